"""The desk's HTTP client is built off the event loop, on one TLS context made once.

``httpx.AsyncClient()`` makes an ``ssl.SSLContext`` and loads every CA into it (46–83 ms);
under qasync the event loop is the GUI thread, so opening the services froze the window that
long on each start and each switch of environment or lifetimes. Here every TLS context made
while the services open is recorded with the thread that made it: none may be the loop's,
and a second opening makes none at all.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from uid2_desk.client import http_client
from uid2_desk.services import OperatorMode, open_services

pytestmark = pytest.mark.asyncio


def _recording(made_on: list[str]) -> Callable[..., ssl.SSLContext]:
    """``ssl.create_default_context`` (what httpx makes its context with), noting the thread."""
    real = ssl.create_default_context

    def create_default_context(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made_on.append(threading.current_thread().name)
        return real(*args, **kwargs)

    return create_default_context


async def test_opening_the_services_makes_no_tls_context_on_the_loop_and_one_in_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_on: list[str] = []
    monkeypatch.setattr(ssl, "create_default_context", _recording(made_on))
    monkeypatch.setattr(http_client, "_made", [])  # as in a fresh process
    loop_thread = threading.current_thread().name

    for attempt in range(2):  # a restart (another environment, lifetimes) reuses the context
        services = await open_services(
            tmp_path / f"desk-{attempt}", operator_mode=OperatorMode.LOOPBACK
        )
        await services.aclose()

    assert made_on, "the client was expected to make its TLS context (was it reused?)"
    assert loop_thread not in made_on
    assert len(made_on) == 1


async def test_the_in_process_operator_needs_no_tls_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_on: list[str] = []
    monkeypatch.setattr(ssl, "create_default_context", _recording(made_on))
    monkeypatch.setattr(http_client, "_made", [])
    services = await open_services(tmp_path, operator_mode=OperatorMode.IN_PROCESS)
    await services.aclose()
    assert made_on == []


async def test_the_client_verifies_with_the_shared_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_client, "_made", [])
    async with await http_client.open_http_client() as http:
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert pool._ssl_context is http_client.tls_context()
        assert pool._ssl_context.verify_mode is ssl.CERT_REQUIRED
