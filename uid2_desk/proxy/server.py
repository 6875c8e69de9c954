"""Serve a :class:`~uid2_desk.proxy.app.ProxyApp` on a loopback port, from background threads.

No event loop and no ASGI server: each client connection is served by the thread that
accepted it (:mod:`~uid2_desk.proxy.acceptors`), which sleeps in the kernel until its bytes
come (:mod:`~uid2_desk.proxy.connection`). Every hand-over between threads or through a loop
is a wake-up on the forwarded call's path, and the benchmark counts each.
``start()`` binds on the caller's thread (so "port in use" is an immediate ``OSError``) and
returns once it accepts; ``stop()`` stops accepting, has every client connection answered
and closed (a request still waiting for the upstream is answered 503, "the proxy was
stopped", and captured so; one whose reply's head went ahead has its connection closed on
it), then lets the capture worker finish what it holds.
"""

from __future__ import annotations

import asyncio
import socket
import time

from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.loopback import (
    LOOPBACK_HOST,
    BackgroundListener,
    is_loopback_host,
    listening_socket,
)
from uid2_desk.proxy.acceptors import Acceptors
from uid2_desk.proxy.app import ProxyApp

_STOP_TIMEOUT_S = 10.0


class ProxyServer(BackgroundListener):
    """The proxy on ``host:port`` (0 picks a free port); loopback unless ``allow_remote``."""

    what = "proxy"

    def __init__(
        self,
        app: ProxyApp,
        host: str = LOOPBACK_HOST,
        port: int = 0,
        *,
        allow_remote: bool = False,
    ) -> None:
        if not allow_remote and not is_loopback_host(host):
            raise InputError(
                f"refusing to bind {host}: the proxy binds loopback only unless remote "
                "access is explicitly allowed (--allow-remote)"
            )
        super().__init__(host, port)
        self.app = app
        self._sock: socket.socket | None = None
        self._acceptors: Acceptors | None = None

    def start(self) -> str:
        """Bind, accept from background threads and return :attr:`base_url`."""
        if self._acceptors is not None:
            raise RuntimeError("the proxy is already started")
        sock = self._sock = listening_socket(self._host, self._port, backlog=1024)
        # A reply is one write, or its head then its body: Nagle would hold the second back
        # behind a delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._bound_port = int(sock.getsockname()[1])
        self.app.start()
        self.app.captures.start()
        self._acceptors = Acceptors(sock, self.app.serve)
        self._acceptors.start()
        return self.base_url

    @property
    def running(self) -> bool:
        """Whether it accepts connections."""
        return self._acceptors is not None

    def stop(self) -> None:
        """Stop serving, then process what the capture holds (idempotent)."""
        acceptors, self._acceptors = self._acceptors, None
        if acceptors is not None:
            acceptors.stop()
        self.app.stop()
        if acceptors is not None:  # each thread ends once its client was answered and closed
            deadline = time.monotonic() + _STOP_TIMEOUT_S
            while acceptors.threads and time.monotonic() < deadline:
                time.sleep(0.01)
        self.app.captures.stop()
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    async def start_async(self) -> str:
        """:meth:`start` from a worker thread, for callers on an event loop."""
        return await asyncio.to_thread(self.start)

    async def stop_async(self) -> None:
        """:meth:`stop` from a worker thread, for callers on an event loop."""
        await asyncio.to_thread(self.stop)
