"""Serve a :class:`LocalOperator` with uvicorn on a loopback port, from a background thread.

:meth:`OperatorServer.start` binds the socket on the caller's thread (so "port in use" is an
immediate ``OSError``), runs uvicorn in a daemon thread with its own event loop, and returns
once the server accepts requests. ``await start_async()`` does the same from a worker thread,
so a GUI's event loop never waits on it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from types import TracebackType

import anyio.to_thread
import uvicorn

from uid2_desk.operator.local_operator import LocalOperator

LOOPBACK_HOST = "127.0.0.1"
_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 10.0


def is_loopback_host(host: str) -> bool:
    """Whether binding ``host`` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    # A wildcard bind is reached through loopback; IPv6 literals need brackets in URLs.
    if host in ("0.0.0.0", ""):
        return LOOPBACK_HOST
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class OperatorServer:
    """uvicorn serving one operator's ASGI app on ``host:port`` (0 picks a free port).

    A non-loopback ``host`` is refused unless ``allow_remote`` is true: the local operator
    is a test server, and its credentials are not secrets worth the name.
    """

    def __init__(
        self,
        operator: LocalOperator,
        host: str = LOOPBACK_HOST,
        port: int = 0,
        *,
        allow_remote: bool = False,
    ) -> None:
        if not allow_remote and not is_loopback_host(host):
            raise ValueError(
                f"refusing to serve the local operator on {host}: it binds loopback only "
                "unless remote access is explicitly allowed (--allow-remote)"
            )
        self._operator = operator
        self._host = host
        self._port = port
        self._sock: socket.socket | None = None
        self._bound_port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        """The port listened on (after :meth:`start`)."""
        if self._bound_port is None:
            raise RuntimeError("the operator server is not started")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """``http://host:port`` for clients (after :meth:`start`)."""
        return f"http://{_url_host(self._host)}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        """Bind, start serving in a background thread, and return :attr:`base_url`.

        Raises ``OSError`` if the address cannot be bound, ``RuntimeError`` if uvicorn does
        not come up within 10 s.
        """
        if self._thread is not None:
            raise RuntimeError("the operator server is already started")
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        self._sock = socket.create_server((self._host, self._port), family=family)
        self._bound_port = int(self._sock.getsockname()[1])
        config = uvicorn.Config(
            self._operator.asgi_app,
            http="h11",
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            date_header=False,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
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
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(_STOP_TIMEOUT_S)
        if self._sock is not None:
            self._sock.close()
        self._thread = None

    async def start_async(self) -> str:
        """:meth:`start` from a worker thread, for callers on an event loop."""
        return await anyio.to_thread.run_sync(self.start)

    async def stop_async(self) -> None:
        """:meth:`stop` from a worker thread, for callers on an event loop."""
        await anyio.to_thread.run_sync(self.stop)

    def __enter__(self) -> OperatorServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
