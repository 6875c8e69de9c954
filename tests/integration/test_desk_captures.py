"""The desk's embedded operator journals other clients' requests into the desk's own session.

A desk on the local environment (its operator on a loopback port) signs a user in itself; the
official SDK, as the team's backend, calls the same operator. The journal's listeners (what
feeds the window) hear the outside generate once, attributed to its client, in the desk's
session; the desk's own sign-in is not shown twice.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.publisher.conftest import assert_no_other_tasks
from uid2_desk.journal import JournalEntry, JournalFilter
from uid2_desk.protocol.capture import CapturedClient
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.services import OperatorMode, open_services

pytestmark = pytest.mark.asyncio


async def _until(condition: object, timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not callable(condition) or not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.02)


async def test_an_outside_generate_reaches_the_desks_listeners_once_and_attributed(
    tmp_path: Path,
) -> None:
    services = await open_services(tmp_path, operator_mode=OperatorMode.LOOPBACK)
    heard: list[JournalEntry] = []
    services.journal.add_listener(heard.append)
    try:
        assert services.operator is not None
        assert services.server is not None
        await services.publisher.sign_in(DiiKind.EMAIL, "desk-user@example.com")
        creds = services.operator.credentials.publisher
        sdk = Uid2PublisherClient(services.server.base_url, creds.api_key, creds.secret)
        await asyncio.to_thread(
            sdk.generate_token, TokenGenerateInput.from_email("outside@example.com")
        )

        def captured() -> list[JournalEntry]:
            return [e for e in heard if e.exchange is not None and CapturedClient.of(e.exchange)]

        await _until(lambda: len(captured()) == 1)
        (outside,) = captured()
        assert outside.session == services.publisher.session
        assert outside.step == "1-d"
        assert outside.exchange is not None
        assert '"email_hash"' in (outside.exchange.request_plaintext or "")
        client = CapturedClient.of(outside.exchange)
        assert client is not None
        assert client.role == "publisher"
        generates = await services.journal.entries(
            JournalFilter(session=services.publisher.session, endpoint="/v2/token/generate")
        )
        assert len(generates) == 2  # the desk's own sign-in once, the outside client once
    finally:
        await services.aclose()
    assert services.capture is not None
    assert services.capture.failed == 0
    await assert_no_other_tasks()
