"""Serve a :class:`~uid2_desk.proxy.app.ProxyApp` on a loopback port, from background threads.

No event loop and no ASGI server: a thread accepts, and each client connection is served by
a thread of its own that sleeps in the kernel until its bytes come (see
:mod:`~uid2_desk.proxy.connection`). Every hand-over between threads or through a loop is a
wake-up on the forwarded call's path, and the benchmark counts each.
``start()`` binds on the caller's thread (so "port in use" is an immediate ``OSError``) and
returns once it accepts; ``stop()`` stops accepting, has every client connection answered
and closed (a request still waiting for the upstream is answered 503, "the proxy was
stopped", and captured so), then lets the capture worker finish what it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time

from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.loopback import (
    LOOPBACK_HOST,
    BackgroundListener,
    is_loopback_host,
    listening_socket,
)
from uid2_desk.proxy.app import ProxyApp

_STOP_TIMEOUT_S = 10.0
#: How long accepting pauses when the process is out of descriptors (EMFILE).
_FULL_PAUSE_S = 0.05


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
        self._stopping = threading.Event()

    def start(self) -> str:
        """Bind, accept from a background thread and return :attr:`base_url`."""
        if self._thread is not None:
            raise RuntimeError("the proxy is already started")
        sock = self._sock = listening_socket(self._host, self._port, backlog=1024)
        self._bound_port = int(sock.getsockname()[1])
        self._stopping.clear()
        self.app.start()
        self.app.captures.start()
        self._thread = threading.Thread(
            target=self._accept, args=(sock,), name=f"uid2-proxy-{self.port}", daemon=True
        )
        self._thread.start()
        return self.base_url

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = listener.accept()
            except OSError:
                if self._stopping.is_set():
                    return
                time.sleep(_FULL_PAUSE_S)  # out of descriptors: the connections wait a moment
                continue
            self.app.serve(sock)

    def stop(self) -> None:
        """Stop serving, then process what the capture holds (idempotent)."""
        self._stopping.set()
        sock, thread = self._sock, self._thread
        if sock is not None:
            with contextlib.suppress(OSError):  # wakes the accepting thread
                sock.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(_STOP_TIMEOUT_S)
        self._thread = None
        self.app.stop()
        self.app.captures.stop()
        if sock is not None:
            sock.close()
            self._sock = None

    async def start_async(self) -> str:
        """:meth:`start` from a worker thread, for callers on an event loop."""
        return await asyncio.to_thread(self.start)

    async def stop_async(self) -> None:
        """:meth:`stop` from a worker thread, for callers on an event loop."""
        await asyncio.to_thread(self.stop)
