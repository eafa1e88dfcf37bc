from __future__ import annotations

import logging
import os
import sys
from typing import Any

import typer

from imbplus.adapters import adapter_registries, sandboxes
from imbplus.cli.common import ready_runtime
from imbplus.processors.adapters import SANDBOX_NAME, Registry
from imbplus.settings import Settings, load_settings


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def select_sandboxes() -> str:
    """The demo: every adapter is its sandbox, in this process and the server it starts
    (the server's workers read their settings from the environment). Says so."""
    registries = adapter_registries()
    for registry in registries:
        os.environ[registry.env] = SANDBOX_NAME
    os.environ["IMBPLUS_ALLOW_SANDBOX"] = "1"
    os.environ["IMBPLUS_OUTBOX_RESERVED_DOMAINS_ONLY"] = "1"  # fictitious people only
    return (
        f"adapters (demo): the sandbox {', '.join(r.kind for r in registries)}; nothing "
        "leaves this machine and their hand-overs are recorded as sandboxed"
    )


def _named(registries: list[Registry[Any]]) -> str:
    return ", ".join(f"{r.kind} ({r.env}={SANDBOX_NAME})" for r in registries)


def refuse_sandboxes(settings: Settings, allow: bool) -> None:
    """Exit 2 with one line when an adapter is a sandbox and that was not allowed."""
    found = sandboxes(settings)
    if not found:
        return
    if allow or settings.allow_sandbox:
        os.environ["IMBPLUS_ALLOW_SANDBOX"] = "1"  # the workers build the app from the env
        print(
            f"sandbox adapters allowed: {_named(found)}; nothing reaches these processors "
            "and their hand-overs are recorded as sandboxed",
            file=sys.stderr,
        )
        return
    print(
        f"error: refusing to serve with sandbox adapters: {_named(found)}; select the real "
        "adapters, or allow sandboxes with --allow-sandbox or IMBPLUS_ALLOW_SANDBOX=1",
        file=sys.stderr,
    )
    raise typer.Exit(2)


def run_server(host: str, port: int, workers: int) -> None:
    import uvicorn

    configure_logging()
    uvicorn.run(
        "imbplus.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # our request log never writes query strings or addresses
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        log_level="info",
        # a worker started while the others are busy may need more than uvicorn's 5 s to
        # import the app and answer its health check; it is not killed for that
        timeout_worker_healthcheck=30,
    )


def _name_a_shifted_clock() -> None:
    from imbplus.clock import OFFSET_ENV, clock

    if clock.shifted:
        print(
            f"note: {OFFSET_ENV} shifts this server's clock by {clock.offset_s:.0f} s "
            "(for tests and drills; never set it in production)",
            file=sys.stderr,
        )


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, min=1, max=65535),
        workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
        allow_sandbox: bool = typer.Option(
            False,
            "--allow-sandbox",
            help="Start although an adapter is a sandbox (IMBPLUS_ALLOW_SANDBOX=1).",
        ),
    ) -> None:
        """Serve the web application (API, console)."""
        refuse_sandboxes(load_settings(), allow_sandbox)
        _name_a_shifted_clock()
        ready_runtime().dispose()
        run_server(host, port, workers)
