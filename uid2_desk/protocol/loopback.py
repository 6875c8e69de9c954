"""Loopback addresses and listening sockets, shared by the two standalone servers.

The local operator and the forwarding proxy both bind loopback unless told otherwise, both
print a URL for their bound address, and both need a listening socket whose protocol says TCP.
They may import only the protocol, so the few lines they share live here.
"""

from __future__ import annotations

import ipaddress
import socket

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
