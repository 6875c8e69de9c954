"""Serve a :class:`LocalOperator` with uvicorn on a loopback port, from a background thread.

:class:`LoopbackServer` serves any ASGI app that way (the operator benchmark runs its bare
Starlette floor on it, so both sides get the same uvicorn setup); :class:`OperatorServer`
serves one operator. ``start()`` binds the socket on the caller's thread (so "port in use"
is an immediate ``OSError``), runs uvicorn in a daemon thread with its own event loop, and
returns once the server accepts requests. ``await start_async()`` does the same from a
worker thread, so a GUI's event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from typing import Literal

import anyio.to_thread
import uvicorn

from uid2_desk.operator.http.asgi_types import ASGIApp
from uid2_desk.operator.http.quiet_stop import StoppingFilter
from uid2_desk.operator.local_operator import LocalOperator
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.loopback import (
    LOOPBACK_HOST,
    BackgroundListener,
    is_loopback_host,
    listening_socket,
)

_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 10.0
#: How often an idle server wakes up (uvicorn's own loop wakes every 0.1 s).
IDLE_TICK_S = 1.0


class QuietServer(uvicorn.Server):
    """uvicorn's server, waking once a second when idle instead of ten times.

    uvicorn's main loop sleeps 100 ms between checks of ``should_exit``; the desk keeps its
    operator running all day beside an idle window, and those wake-ups were most of its idle
    CPU. Here the loop waits up to :data:`IDLE_TICK_S` on an event that :meth:`request_exit`
    sets from any thread, so stopping is still immediate. Requests are served by the
    connections' own tasks and never wait for this loop.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self.ticks = 0

    async def main_loop(self) -> None:
        """Tick (uvicorn's per-second bookkeeping, exit check) each second or when woken."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        # uvicorn does its once-a-second work when ``counter % 10 == 0``: every tick here is
        # a second, so the counter moves in tens.
        counter = 0
        while not await self.on_tick(counter):
            self.ticks += 1
            counter = (counter + 10) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_TICK_S)

    def request_exit(self) -> None:
        """Ask the server to stop, from any thread, and wake its loop to notice now."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already closed
                loop.call_soon_threadsafe(wake.set)


class LoopbackServer(BackgroundListener):
    """uvicorn serving an ASGI app on ``host:port`` (0 picks a free port) from a thread.

    A non-loopback ``host`` is refused (:class:`InputError`) unless ``allow_remote`` is true:
    what we serve is a test server, and its credentials are not secrets worth the name.
    """

    what = "operator server"

    def __init__(
        self,
        app: ASGIApp,
        host: str = LOOPBACK_HOST,
        port: int = 0,
        *,
        allow_remote: bool = False,
        lifespan: Literal["auto", "on", "off"] = "off",
    ) -> None:
        if not allow_remote and not is_loopback_host(host):
            raise InputError(
                f"refusing to serve the local operator on {host}: it binds loopback only "
                "unless remote access is explicitly allowed (--allow-remote)"
            )
        super().__init__(host, port)
        self._app = app
        # "on" for an app that holds connections to close when the server stops (the proxy).
        self._lifespan = lifespan
        self._sock: socket.socket | None = None
        self._server: QuietServer | None = None
        self._quiet: StoppingFilter | None = None
        self._error: BaseException | None = None

    def start(self) -> str:
        """Bind, start serving in a background thread, and return :attr:`base_url`.

        Raises ``OSError`` if the address cannot be bound, ``RuntimeError`` if uvicorn does
        not come up within 10 s.
        """
        if self._thread is not None:
            raise RuntimeError("the operator server is already started")
        self._sock = listening_socket(self._host, self._port)
        self._bound_port = int(self._sock.getsockname()[1])
        config = uvicorn.Config(
            self._app,
            http="h11",
            loop="asyncio",
            ws="none",
            lifespan=self._lifespan,
            log_config=None,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            date_header=False,
            timeout_graceful_shutdown=2,
        )
        server = self._server = QuietServer(config)
        self._quiet = StoppingFilter(lambda: server.should_exit)
        self._quiet.install()
        self._thread = threading.Thread(
            target=self._run, name=f"uid2-operator-{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the local operator did not start: {self._error!r}")
            time.sleep(0.005)
        return self.base_url

    def _run(self) -> None:
        assert self._server is not None
        assert self._sock is not None
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # reported by start(); a thread has nowhere to raise
            self._error = exc

    def stop(self) -> None:
        """Stop serving and wait for the thread (idempotent)."""
        if self._server is not None:
            self._server.request_exit()
        if self._thread is not None:
            self._thread.join(_STOP_TIMEOUT_S)
        if self._sock is not None:
            self._sock.close()
        if self._quiet is not None:
            self._quiet.remove()
        self._thread = None

    async def start_async(self) -> str:
        """:meth:`start` from a worker thread, for callers on an event loop."""
        return await anyio.to_thread.run_sync(self.start)

    async def stop_async(self) -> None:
        """:meth:`stop` from a worker thread, for callers on an event loop."""
        await anyio.to_thread.run_sync(self.stop)


class OperatorServer(LoopbackServer):
    """uvicorn serving one :class:`LocalOperator` on ``host:port`` (0 picks a free port)."""

    def __init__(
        self,
        operator: LocalOperator,
        host: str = LOOPBACK_HOST,
        port: int = 0,
        *,
        allow_remote: bool = False,
    ) -> None:
        super().__init__(operator.asgi_app, host, port, allow_remote=allow_remote)
        self.operator = operator
