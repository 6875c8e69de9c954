"""An identity remembers who issued it and is never sent to another environment."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from tests.publisher.conftest import START_MS, open_desk
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.environments import Environment
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.journal import AsyncJournal
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import EnvironmentMismatchError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import DeskEvent, EntryAppended, PolicyKind, Publisher


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing may be sent to integ, but {request.url} was")


@pytest.mark.asyncio
async def test_a_local_identity_is_refused_on_integ_without_sending_anything(
    tmp_path: Path,
) -> None:
    clock = ManualClock(START_MS)
    local = await open_desk(tmp_path / "desk", clock)
    jane = await local.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    await local.publisher.set_policy(jane.user.id, PolicyKind.AUTOMATIC)
    await local.services.aclose()

    integ = Environment.from_cli("integ")
    creds = Credentials("UID2-C-I-123-abcdef.canary", base64.b64encode(bytes(32)).decode())
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(_refuse)) as http,
        await AsyncJournal.open(tmp_path / "desk" / "journal.sqlite3") as journal,
    ):
        client = OperatorClient(http, integ, creds, clock=clock)
        pub = await Publisher.open(
            tmp_path / "desk", journal=journal, environment=integ, clock=clock, client=client
        )
        events: list[DeskEvent] = []
        pub.subscribe(events.append)
        try:
            with pytest.raises(EnvironmentMismatchError, match="issued by the local operator"):
                await pub.refresh(jane.user.id)
            with pytest.raises(EnvironmentMismatchError):
                await pub.validate(jane.user.id)
            clock.advance(3_600_000)
            await pub.tick()  # due for the automatic policy, but not here

            after = pub.snapshot(jane.user.id)
            assert after.identity == jane.identity
            assert after.user.environment == "local"
            assert after.last_error is not None
            refused = [
                e.entry
                for e in events
                if isinstance(e, EntryAppended) and e.entry.name == "refused"
            ]
            assert len(refused) == 2
            assert refused[0].detail_value("issued_by") == "local"
            assert refused[0].environment == "integ"
        finally:
            await pub.close()
