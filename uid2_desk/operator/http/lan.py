"""The operator's UID2 endpoints on this machine's network address, for devices on the LAN.

A physical TV or phone cannot reach ``127.0.0.1``. When the person switches *Allow devices on
my network* on, :class:`LanServer` serves the same operator on the LAN address too, but never
its admin surface: :func:`uid2_only` answers ``/_desk/admin/...`` with 404 there, so opting
users out, injecting faults or reading the credentials stays loopback-only (and
token-guarded, as before). Nothing is remembered: the desk starts with it off.
"""

from __future__ import annotations

import socket

from uid2_desk.operator.http.asgi_types import ASGIApp, Receive, Scope, Send
from uid2_desk.operator.http.http_layer import ADMIN_PREFIX
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.operator.local_operator import LocalOperator

#: A documentation-only address (TEST-NET-1): "connecting" a UDP socket to it sends nothing,
#: and makes the system pick the interface, hence the address, a LAN peer would reach.
_PROBE = ("192.0.2.1", 9)


def uid2_only(app: ASGIApp) -> ASGIApp:
    """``app`` without its admin surface: ``/_desk/admin...`` is 404 (as an unknown path)."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and path.startswith(ADMIN_PREFIX):
            await send(
                {
                    "type": "http.response.start",
                    "status": 404,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", b"9")],
                }
            )
            await send({"type": "http.response.body", "body": b"Not Found"})
            return
        await app(scope, receive, send)

    return guarded


def lan_address() -> str | None:
    """This machine's address on its network (no packet is sent), or ``None`` if it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)
            address = str(probe.getsockname()[0])
    except OSError:
        # Reached only on a machine with no route off it (no network); tests run where
        # there is one, where test_lan checks the address found instead.
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


class LanServer(LoopbackServer):
    """The operator's UID2 endpoints (no admin) on ``host:port``, a LAN address."""

    def __init__(self, operator: LocalOperator, host: str, port: int = 0) -> None:
        super().__init__(uid2_only(operator.asgi_app), host, port, allow_remote=True)
