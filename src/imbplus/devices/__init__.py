"""Set-top boxes (P02, P14): registry, assignments, device tokens, the customer's STB PIN."""
