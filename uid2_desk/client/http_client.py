"""The desk's HTTP clients, built off the event loop on one TLS context made once.

``httpx.AsyncClient()`` makes a new ``ssl.SSLContext`` and loads every CA certificate into it:
46–83 ms, on the GUI's event loop under qasync (the window freezes that long each time the
services open, on every switch of environment or lifetimes). :func:`tls_context` makes that
context once per process, and :func:`open_http_client` builds each client on a worker thread
with it, so the loop waits for neither.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from typing import Any

import httpx

_lock = threading.Lock()
#: The one context, once made (a list: filled in place, no ``global`` statement).
_made: list[ssl.SSLContext] = []


def tls_context() -> ssl.SSLContext:
    """The process's one client TLS context (certifi's CAs, or ``SSL_CERT_FILE``/``_DIR``).

    Made on first use (blocking: call it off the loop) and shared: an ``SSLContext`` may wrap
    sockets for many clients and threads at once.
    """
    with _lock:
        if not _made:
            _made.append(httpx.create_ssl_context())
        return _made[0]


async def open_http_client(**options: Any) -> httpx.AsyncClient:
    """A new ``httpx.AsyncClient(**options)``, built on a worker thread with :func:`tls_context`.

    Nothing in its construction touches the loop (httpx binds to the loop on the first request),
    so it may be made on another thread and used here.
    """
    return await asyncio.to_thread(_build, options)


def _build(options: dict[str, Any]) -> httpx.AsyncClient:
    # With a transport of its own (the in-process operator) a client needs no TLS at all.
    if "verify" not in options and "transport" not in options:
        options["verify"] = tls_context()
    return httpx.AsyncClient(**options)
