from __future__ import annotations

import typer

from imbplus.bootstrap import init
from imbplus.cli.common import console, runtime


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_cmd() -> None:
        """Create or upgrade the database schema and the keyring (safe to run again)."""
        rt = runtime()
        report = init(rt)
        s = rt.settings
        console.print(f"data dir      {s.data_dir.resolve()}")
        console.print(f"database      {rt.engine.url.render_as_string(hide_password=True)}")
        console.print(f"master key    {s.key_file} ({'created' if report.key_created else 'kept'})")
        if report.revision_before == report.revision_after:
            console.print(f"schema        {report.revision_after} (up to date)")
        else:
            console.print(
                f"schema        {report.revision_before or 'empty'} -> {report.revision_after}"
            )
