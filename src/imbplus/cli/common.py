from __future__ import annotations

from rich.console import Console

from imbplus.runtime import Runtime
from imbplus.settings import load_settings

console = Console()
err_console = Console(stderr=True)


def runtime() -> Runtime:
    return Runtime(load_settings())


def ready_runtime() -> Runtime:
    from imbplus.bootstrap import ensure_ready

    rt = runtime()
    ensure_ready(rt)
    return rt
