"""The error pages the canary scan asks (P05): requests that must fail, carrying the canary's
values in the path, query and body, asked of the runtime's one app; what they answer and
what the process logs meanwhile is scanned like every other store."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from imbplus.compliance.canary import CARD, CARD_DIGITS, EMAIL, IP, NAME, PHONE, PHONE_E164, STREET
from imbplus.runtime import Runtime

if TYPE_CHECKING:
    from imbplus.compliance.canary_scan import Scanner

# -- error pages -------------------------------------------------------------------------
# Values travel in the path, the query string and the body. The request log keeps only the
# route's shape (the application's own words, anything else as {id}), so a value in the path
# of a 401 reaches no store unless that guard is broken, and then the scan names it.
PROBES: tuple[tuple[str, str, dict[str, object]], ...] = (
    ("GET", f"/{quote(EMAIL)}/{quote(NAME)}", {}),
    ("GET", f"/portal/{CARD_DIGITS}?phone={quote(PHONE_E164)}&ip={IP}", {}),
    ("GET", f"/api/v1/shipments/{quote(STREET)}", {}),
    ("GET", f"/api/v1/customers/{quote(EMAIL)}", {}),
    ("GET", f"/api/v1/customers?email={quote(EMAIL)}&card={CARD_DIGITS}", {}),
    ("POST", "/api/v1/customers/search", {"json": {"email": EMAIL, "phone": PHONE}}),
    ("POST", "/api/v1/customers", {"json": {"name": NAME, "email": EMAIL, "phone": "0"}}),
    ("POST", "/portal/login", {"data": {"email": EMAIL, "password": CARD_DIGITS}}),
    ("POST", "/contact", {"data": {"name": NAME, "email": EMAIL, "message": PHONE}}),
    ("POST", "/feedback", {"data": {"message": f"{STREET} {CARD}", "email": EMAIL}}),
    ("GET", f"/<script>{quote(NAME)}</script>", {}),
)


class _LogCollector(logging.Handler):
    """What the process logs meanwhile, as its handlers would get it (levels unchanged)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[bytes] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record).encode("utf-8", "replace"))
        except Exception:  # a record that cannot be formatted is not a leak to look at
            self.lines.append(b"")


def error_pages_of(scanner: Scanner, rt: Runtime) -> None:
    """Ask pages that must fail, carrying canary values, and look at what the process logs
    meanwhile. Any canary value in an error answer (the path asked for shown back included)
    or markup unescaped is a finding."""
    from imbplus.web import selfcheck

    app = selfcheck.app(rt)  # the one app of this runtime the other live checks ask too
    logs = _LogCollector()
    logging.getLogger().addHandler(logs)
    try:
        _ask(scanner, app)
    finally:
        logging.getLogger().removeHandler(logs)
    scanner.stream("application log (while the error pages were asked)", [b"\n".join(logs.lines)])


def _ask(scanner: Scanner, app: Any) -> None:
    from urllib.parse import unquote, urlsplit

    from markupsafe import escape
    from starlette.testclient import TestClient

    web = TestClient(
        app, base_url="https://127.0.0.1", client=(IP, 51701), raise_server_exceptions=False
    )
    try:
        for method, url, kwargs in PROBES:
            response = web.request(method, url, **kwargs)  # type: ignore[arg-type]
            scanner.result.error_pages += 1
            store = f"error page {method} {response.status_code}"
            if response.status_code < 400:
                scanner.result.findings.add((store, "an answer that is not an error"))
            body = response.content
            if b"<script>" in body:
                scanner.result.findings.add((store, "unescaped markup"))
            own = str(escape(unquote(urlsplit(url).path))).encode("utf-8")
            if own in body and scanner.matcher.kinds_in(own, final=True):
                scanner.result.reflected += 1  # found below too, by the values it holds
            scanner.stream(store, [body])
    finally:  # what the requests left in the app's buffers is written, then scanned below
        app.state.request_log.flush()
        app.state.flusher.flush_all()
