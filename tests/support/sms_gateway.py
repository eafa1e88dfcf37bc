"""A fake SMSAPI.pl on loopback: a threaded `http.server` that records each request and
answers like the gateway (success, an error answer, a 5xx, or no answer at all)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

OK, ERROR, UNAVAILABLE, SILENT = "ok", "error", "unavailable", "silent"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class Gateway:
    """`mode` picks the next answers; `received` holds every request."""

    mode: str = OK
    phone_in_errors: str = "48500600700"
    received: list[Received] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    ids: int = 0

    def answer(self) -> tuple[int, dict[str, Any] | None]:
        if self.mode == OK:
            self.ids += 1
            entry = {"id": f"SMS-{self.ids:06d}", "points": 0.16, "status": "QUEUE"}
            return 200, {"count": 1, "list": [entry]}
        if self.mode == ERROR:  # the gateway quotes the number: it must not be kept
            return 200, {"error": 13, "message": f"No correct phone numbers {self.phone_in_errors}"}
        if self.mode == UNAVAILABLE:
            return 503, None
        self.released.wait(30)  # SILENT: no answer before the client gives up
        return 200, {"count": 0, "list": []}


class FakeSmsApi:
    def __init__(self) -> None:
        self.gateway = Gateway()
        gateway = self.gateway

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                gateway.received.append(
                    Received(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        {k: v[0] for k, v in form.items()},
                    )
                )
                status, body = gateway.answer()
                payload = json.dumps(body).encode() if body is not None else b"Service Unavailable"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self.gateway

    def __exit__(self, *_exc: object) -> None:
        self.gateway.released.set()
        self.server.shutdown()
        self.server.server_close()
