"""Pure-ASGI middleware that hands every request to the request-log writer (P21).

It costs one status capture and one queue append per request; all parsing, masking,
encryption and writing happen later on the writer's thread.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from imbplus.clock import clock
from imbplus.traffic.writer import RequestLogWriter


class TrafficLogMiddleware:
    def __init__(self, app: ASGIApp, writer: RequestLogWriter) -> None:
        self.app = app
        self.writer = writer
        self.skip = writer.skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip):
            await self.app(scope, receive, send)
            return
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            client = scope.get("client")
            self.writer.record(
                clock.now_us(),
                client[0] if client else "",
                scope["method"],
                scope["path"],
                status,
                scope["headers"],
            )
