"""The running application, asked in-process by live checks (as a visitor over TLS would).

One application per runtime, made on first use: building the app and compiling its
templates costs more than most checks, and every check must see the same routes and
middleware as production. Each `client` is new, so no cookie carries from one check to the
next: every visit is a stranger's.
"""

from __future__ import annotations

import weakref

from fastapi import FastAPI
from starlette.testclient import TestClient

from imbplus import plugin
from imbplus.runtime import Runtime

_apps: weakref.WeakKeyDictionary[Runtime, FastAPI] = weakref.WeakKeyDictionary()


def app(rt: Runtime) -> FastAPI:
    made = _apps.get(rt)
    if made is None:
        made = _apps[rt] = plugin.app_factory()(runtime=rt)  # imbplus.app.create_app
    return made


def client(rt: Runtime) -> TestClient:
    return TestClient(app(rt), base_url="https://127.0.0.1")
