from imbplus.cli import main

main()
