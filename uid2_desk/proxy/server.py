"""Serve a :class:`~uid2_desk.proxy.app.ProxyApp` on a loopback port, from a background thread.

Plain asyncio protocols, not an ASGI server nor streams: the proxy reads bytes and writes
bytes, and each layer between costs time on every forwarded call (the benchmark counts it).
``start()`` binds on the caller's thread (so "port in use" is an immediate ``OSError``),
runs the loop in a daemon thread and returns once it accepts; ``stop()`` closes the listener
and connections (a request still waiting for the upstream is answered 503, "the proxy was
stopped", and captured so), then lets the capture worker finish what it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading

from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.loopback import (
    LOOPBACK_HOST,
    BackgroundListener,
    is_loopback_host,
    listening_socket,
)
from uid2_desk.proxy.app import ProxyApp

_START_TIMEOUT_S = 10.0
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> str:
        """Bind, serve from a background thread and return :attr:`base_url`."""
        if self._thread is not None:
            raise RuntimeError("the proxy is already started")
        # Created with IPPROTO_TCP: asyncio turns Nagle off on both the client connections
        # and the upstream ones (each forwarded message is one write either way).
        sock = self._sock = listening_socket(self._host, self._port, backlog=1024)
        self._bound_port = int(sock.getsockname()[1])
        self.app.captures.start()
        self._thread = threading.Thread(
            target=self._run, name=f"uid2-proxy-{self.port}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT_S) or self._error is not None:
            error = self._error
            self.stop()
            # An OSError, as a port that cannot be bound is: every caller already says those.
            why = error if error is not None else f"no answer within {_START_TIMEOUT_S:g} s"
            raise OSError(f"the proxy did not start serving: {why}")
        return self.base_url

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported by start(); a thread has nowhere to raise
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        assert self._sock is not None
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await self._loop.create_server(self.app.connection, sock=self._sock)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            server.close()
            await self.app.aclose()
            await server.wait_closed()

    def stop(self) -> None:
        """Stop serving, then process what the capture holds (idempotent)."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop.set)
        if thread is not None:
            thread.join(_STOP_TIMEOUT_S)
        self._thread = None
        self.app.captures.stop()
        if self._sock is not None:
            self._sock.close()

    async def start_async(self) -> str:
        """:meth:`start` from a worker thread, for callers on an event loop."""
        return await asyncio.to_thread(self.start)

    async def stop_async(self) -> None:
        """:meth:`stop` from a worker thread, for callers on an event loop."""
        await asyncio.to_thread(self.stop)
