"""Closing a desk stops the operator's server first, drains the capture, then closes the journal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.publisher.conftest import START_MS, open_desk
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.services import OperatorMode


@pytest.mark.asyncio
async def test_the_server_stops_before_the_capture_drains_and_the_journal_closes(
    tmp_path: Path,
) -> None:
    desk = await open_desk(tmp_path / "desk", ManualClock(START_MS), mode=OperatorMode.LOOPBACK)
    services = desk.services
    assert services.server is not None
    assert services.capture is not None
    order: list[str] = []
    server_stop = services.server.stop

    def stop_server() -> None:
        order.append("server")
        server_stop()

    def noting(name: str, close: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def closing() -> None:
            order.append(name)
            await close()

        return closing

    services.server.stop = stop_server  # type: ignore[method-assign]
    services.capture.stop = noting("capture", services.capture.stop)  # type: ignore[method-assign]
    services.journal.close = noting("journal", services.journal.close)  # type: ignore[method-assign]
    await services.aclose()
    assert order == ["server", "capture", "journal"]
