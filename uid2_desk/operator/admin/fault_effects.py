"""How injected faults reshape a reply: cut the connection, corrupt or capture the body.

:func:`abort_connection` is the one place that reaches below ASGI (uvicorn's transport),
because ASGI cannot express "drop this connection".
"""

from __future__ import annotations

import base64
import binascii

import anyio

from uid2_desk.operator.http.asgi_types import Message, Send
from uid2_desk.protocol.errors import OperatorUnreachableError


async def abort_connection(send: Send) -> None:
    """Close the client's TCP connection at once, mid-response or before any.

    ASGI has no such message, so this reaches the server's transport through uvicorn's
    ``RequestResponseCycle`` (whose bound ``send`` we were given), then waits until the server
    has noticed, so it does not answer 500 for us. Without a transport (an in-process ASGI
    client) it raises :class:`OperatorUnreachableError` instead, which such clients surface as an
    error too.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        raise OperatorUnreachableError("injected fault: the operator dropped the connection")
    transport.abort()
    # Not reached in tests: falling out of this loop (200 ms without the server noticing)
    # needs an event loop stalled that long; uvicorn marks the cycle on its next turn.
    for _ in range(200):
        if getattr(cycle, "disconnected", True):
            return
        await anyio.sleep(0.001)


def corrupt(content: bytes) -> bytes:
    """The same reply with its last encrypted byte flipped (GCM then refuses it)."""
    try:
        raw = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if raw:
        return base64.b64encode(raw[:-1] + bytes([raw[-1] ^ 1]))
    if content:
        return content[:-1] + bytes([content[-1] ^ 1])
    return b"\x00"


class CapturedResponse:
    """Collects a whole response from the app (for faults that reshape it)."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        """Keep one ASGI message of the response."""
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", ())]
        # Not reached in tests: Starlette sends only start and body messages; any other
        # (trailers, pathsend) would be dropped here, which no route of ours produces.
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def content_type(self) -> str | None:
        """The response's Content-Type, if it had one."""
        for key, value in self.headers:
            if key.lower() == b"content-type":
                return value.decode("latin-1")
        return None
