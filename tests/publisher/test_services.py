"""The Qt-free desk assembly: what a local and a remote desk consist of, and clean failures."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest

from tests.publisher.conftest import START_MS, assert_no_other_tasks
from uid2_desk.client.credential_stores import EnvCredentialStore
from uid2_desk.client.credentials import Credentials
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock, WarpClock
from uid2_desk.protocol.errors import CredentialsError, StorageError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.services import OperatorMode, open_services

CANARY = Credentials("UID2-C-I-123-canary.key", base64.b64encode(b"c" * 32).decode())


@pytest.mark.asyncio
async def test_a_local_desk_shares_one_warp_clock_with_its_operator(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    services = await open_services(
        tmp_path, operator_mode=OperatorMode.IN_PROCESS, clock=clock, lifetimes="demo"
    )
    try:
        assert services.operator is not None
        assert services.operator.data_dir == tmp_path / "operator"
        warp = services.warp_clock
        assert isinstance(warp, WarpClock)
        stage = services.stage()
        assert stage.warp is not None
        assert stage.admin is not None
        assert stage.buyer is not None
        stage.warp(60_000)
        assert services.publisher.clock.now_ms() == START_MS + 60_000
        assert services.operator.admin.now_ms() == START_MS + 60_000
        snap = await services.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
        assert snap.identity is not None
        assert snap.identity.refresh_from_ms == START_MS + 90_000  # demo: 30 s
    finally:
        await services.aclose()
    await assert_no_other_tasks()


@pytest.mark.asyncio
async def test_a_remote_desk_has_no_warp_admin_or_buyer(tmp_path: Path) -> None:
    services = await open_services(tmp_path, env="integ", credentials=CANARY)
    try:
        assert services.environment.id == "integ"
        assert services.publisher.client is not None
        stage = services.stage()
        assert (stage.warp, stage.admin, stage.buyer) == (None, None, None)
        assert not (tmp_path / "operator").exists()
    finally:
        await services.aclose()


@pytest.mark.asyncio
async def test_remote_credentials_come_from_the_environment_variables(tmp_path: Path) -> None:
    store = EnvCredentialStore({"UID2_API_KEY": CANARY.api_key, "UID2_SECRET": CANARY.secret})
    services = await open_services(tmp_path, env="integ", credential_store=store)
    try:
        assert services.publisher.client is not None
        assert services.publisher.client.credentials == CANARY
    finally:
        await services.aclose()


@pytest.mark.asyncio
async def test_without_remote_credentials_the_desk_refuses_or_opens_without_a_client(
    tmp_path: Path,
) -> None:
    empty = EnvCredentialStore({})
    with pytest.raises(CredentialsError, match="UID2_API_KEY"):
        await open_services(tmp_path, env="integ", credential_store=empty)
    await assert_no_other_tasks()

    services = await open_services(
        tmp_path, env="integ", credential_store=empty, require_credentials=False
    )
    try:
        assert services.publisher.client is None
        with pytest.raises(CredentialsError):
            await services.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    finally:
        await services.aclose()


@pytest.mark.asyncio
async def test_a_loopback_operator_is_reachable_at_its_base_url(tmp_path: Path) -> None:
    services = await open_services(tmp_path, clock=ManualClock(START_MS))
    try:
        assert services.server is not None
        assert services.environment.base_url == services.server.base_url
        assert services.environment.base_url.startswith("http://127.0.0.1:")
        snap = await services.publisher.sign_in(DiiKind.EMAIL, "validate@example.com")
        assert await services.publisher.validate(snap.user.id)
    finally:
        await services.aclose()
    assert not services.server.running


@pytest.mark.asyncio
async def test_closing_goes_on_past_a_part_that_fails_and_reports_the_failure_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = await open_services(tmp_path, clock=ManualClock(START_MS))
    publisher_close = services.publisher.close

    async def disk_full() -> None:
        # The user store's last write fails as on a full disk (what a close can meet).
        await publisher_close()
        raise StorageError("The desk's user store could not be written: disk full.")

    monkeypatch.setattr(services.publisher, "close", disk_full)

    with pytest.raises(StorageError, match="disk full") as info:
        await services.aclose()

    assert "(while closing the publisher)" in info.value.__notes__
    assert services.journal.closed
    assert services.http.is_closed
    assert services.server is not None
    assert not services.server.running
    assert services.operator is not None
    assert services.operator.closed
    await assert_no_other_tasks()


@pytest.mark.asyncio
@pytest.mark.parametrize("cancellations", [1, 3])
async def test_a_cancelled_close_still_closes_every_part_then_stays_cancelled(
    tmp_path: Path, cancellations: int
) -> None:
    services = await open_services(tmp_path, clock=ManualClock(START_MS))
    await services.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    closing = asyncio.create_task(services.aclose())
    for _ in range(cancellations):
        await asyncio.sleep(0)  # closing is under way: a Ctrl-C, a window closed...
        closing.cancel()

    with pytest.raises(asyncio.CancelledError):
        await closing

    assert services.journal.closed
    assert services.http.is_closed
    assert services.server is not None
    assert not services.server.running
    assert services.operator is not None
    assert services.operator.closed
    # The operator wrote its request log out before closing: the sign-in is in it.
    with LocalOperator.open(tmp_path / "operator") as operator:
        served = [r.path for r in operator.admin.served_requests()]
    assert "/v2/token/generate" in served
    await assert_no_other_tasks()
