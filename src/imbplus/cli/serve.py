from __future__ import annotations

import logging

import typer

from imbplus.cli.common import ready_runtime


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def run_server(host: str, port: int, workers: int) -> None:
    import uvicorn

    configure_logging()
    uvicorn.run(
        "imbplus.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # our request log never writes query strings or addresses
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        log_level="info",
    )


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, min=1, max=65535),
        workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
    ) -> None:
        """Serve the web application (API, console)."""
        ready_runtime().dispose()
        run_server(host, port, workers)
