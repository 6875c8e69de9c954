"""Loopback addresses and listening sockets, shared by the two standalone servers.

The local operator and the forwarding proxy both bind loopback unless told otherwise, both
print a URL for their bound address, and both need a listening socket whose protocol says TCP.
They may import only the protocol, so the few lines they share live here.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from types import TracebackType
from typing import Self

LOOPBACK_HOST = "127.0.0.1"


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost`` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as it goes in a URL: a wildcard bind is reached through loopback, and an IPv6
    literal is bracketed."""
    if host in ("0.0.0.0", ""):
        return LOOPBACK_HOST
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def listening_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A bound, listening TCP socket created with ``IPPROTO_TCP``.

    The explicit protocol matters: asyncio turns Nagle off (TCP_NODELAY) only on sockets
    whose ``proto`` says TCP, and ``socket.create_server`` leaves it 0. With Nagle on, a
    reply written in two parts would wait ~40 ms for a delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


class BackgroundListener:
    """What the two servers run from a thread of their own share with their callers.

    Where they listen (:attr:`port`, :attr:`base_url`), whether they serve (:attr:`running`)
    and the ``with`` form of :meth:`start` and :meth:`stop`. A subclass binds in ``start``
    (setting ``_bound_port``) and serves from ``_thread``.
    """

    #: How errors name the server ("the proxy is not started").
    what = "server"

    def __init__(self, host: str, port: int) -> None:
        self._host = host
        self._port = port
        self._bound_port: int | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port listened on (after :meth:`start`)."""
        if self._bound_port is None:
            raise RuntimeError(f"the {self.what} is not started")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """``http://host:port`` for clients (after :meth:`start`)."""
        return f"http://{url_host(self._host)}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the serving thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        """Bind, serve from a background thread and return :attr:`base_url`."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
