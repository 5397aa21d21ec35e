"""A limit on the size of a request body, enforced before the body is read (pure ASGI middleware).

* A ``Content-Length`` over the limit is answered ``413`` at once: not one byte of the body is read.
* A body without a length (chunked) is counted while it streams in; past the limit the request is
  answered ``413`` at once, the application is told the client went away (``http.disconnect``, so it
  reads nothing more) and whatever it answers then is dropped; the server closes the connection.

The answer is Chinese: JSON ``{"detail": …}`` under ``/api``, a short page elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def too_large_message(limit: int) -> str:
    """The Chinese reason for a refused body."""
    return f"请求内容过大，超过 {limit / 2**20:.0f} MB 的上限，未接收（单个文件不能超过上传页面所示的大小）"


class BodyLimitMiddleware:
    """Refuse request bodies larger than ``limit()`` bytes (a callable, read per request)."""

    def __init__(self, app: ASGIApp, limit: Callable[[], int]):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit()
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
                if length < 0 or length > limit:
                    await self._refuse(scope, send, limit, 400 if length < 0 else 413)
                    return
        received = 0
        started = refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # answer now, then tell the application the client is gone: nothing more is read
                    refused = True
                    if not started:
                        await self._refuse(scope, send, limit, 413)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 was sent: what the interrupted application says is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int, status: int) -> None:
        detail = too_large_message(limit) if status == 413 else "请求的 Content-Length 无效"
        path = scope.get("path") or ""
        if path.startswith("/api/") or path == "/upload":
            body = json.dumps({"detail": detail, "ok": False, "error": detail}, ensure_ascii=False).encode()
            ctype = b"application/json"
        else:
            body = (f"<!doctype html><meta charset=utf-8><title>请求过大</title><p>{detail}</p>"
                    '<p><a href="/upload">返回上传页面</a></p>').encode()
            ctype = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
