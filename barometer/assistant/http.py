"""MCP's streamable HTTP transport, one POST at a time, for a WSGI server.

The SDK's transport is an ASGI app; here each POST runs it once, in its own short event loop on
the worker thread that received it, in stateless mode with JSON responses: nothing is kept
between requests, so any worker of any instance answers any request (no session to find), and
nothing runs before gunicorn forks (no loop or thread to lose). A fresh session manager per
request is the SDK's documented way to run it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import anyio
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from barometer.assistant.server import build_server
from barometer.assistant.tools import Assistant

MAX_BODY = 64 * 1024
"""Largest request body accepted (a tool call is well under 2 kB)."""
TIMEOUT = 30.0
"""Seconds one request may take before it is abandoned (gunicorn's own timeout is longer)."""


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def asgi_scope(method: str, path: str, query: str, headers: Iterable[tuple[str, str]],
               scheme: str, client: str) -> dict:
    """An ASGI HTTP scope for one request (names lower-case, bytes as the spec wants)."""
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": method, "scheme": scheme, "path": path,
        "raw_path": path.encode("latin-1"), "query_string": query.encode("latin-1"),
        "root_path": "", "client": (client, 0), "server": None,
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
    }


def answer_post(assistant: Assistant, base_url: str, scope: dict, body: bytes) -> HttpAnswer:
    """Run the SDK's stateless streamable-HTTP handler on one POST and collect its answer."""
    status = 500
    headers: list[tuple[str, str]] = []
    chunks: list[bytes] = []

    async def run() -> None:
        nonlocal status
        answered = anyio.Event()
        delivered = False

        async def receive() -> dict:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()  # the client "disconnects" once the answer is complete
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.extend((k.decode("latin-1"), v.decode("latin-1"))
                               for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    answered.set()

        manager = StreamableHTTPSessionManager(
            app=build_server(assistant, base_url), json_response=True, stateless=True,
            max_request_body_size=MAX_BODY)
        with anyio.fail_after(TIMEOUT):
            async with manager.run():
                await manager.handle_request(scope, receive, send)

    anyio.run(run)
    return HttpAnswer(status, tuple(headers), b"".join(chunks))
