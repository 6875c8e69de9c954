"""A restart keeps everything: credentials, keys, salts, opt-outs and the request log."""

from __future__ import annotations

import base64
import contextlib
import sqlite3
import stat
from pathlib import Path

import httpx
import pytest

from tests.operator.support import generate, open_refresh
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.state.store import DB_FILENAME
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.tokens import decrypt_advertising_token, key_lookup

START_MS = 1_767_225_600_000


def _client(operator: LocalOperator) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=operator.asgi_app), base_url="http://operator.test"
    )


def _raw_uid(operator: LocalOperator, token: str) -> str:
    contents = decrypt_advertising_token(token, key_lookup(operator.admin.all_keys()))
    return base64.b64encode(contents.raw_uid).decode()


@pytest.mark.asyncio
async def test_a_refresh_token_issued_before_a_restart_refreshes_after_it(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    first = LocalOperator.open(tmp_path, clock=clock, lifetimes=Lifetimes.local())
    creds = first.credentials
    async with _client(first) as client:
        body = (await generate(client, creds.publisher, clock.now_ms(), email="stay@example.com"))[
            "body"
        ]
    uid_before = _raw_uid(first, body["advertising_token"])
    first.close()
    clock.advance(30 * 60_000)

    second = LocalOperator.open(tmp_path, clock=clock, lifetimes=Lifetimes.local())
    try:
        async with _client(second) as client:
            refreshed = await client.post("/v2/token/refresh", content=body["refresh_token"])
            document = open_refresh(refreshed, body["refresh_response_key"])
            again = await generate(
                client, second.credentials.publisher, clock.now_ms(), email="stay@example.com"
            )
        assert second.credentials == creds
        assert document["status"] == "success"
        assert _raw_uid(second, document["body"]["advertising_token"]) == uid_before
        assert _raw_uid(second, again["body"]["advertising_token"]) == uid_before
    finally:
        second.close()


@pytest.mark.asyncio
async def test_optouts_and_the_request_log_survive_a_restart(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    first = LocalOperator.open(tmp_path, clock=clock)
    async with _client(first) as client:
        body = (
            await generate(
                client, first.credentials.publisher, clock.now_ms(), phone="+447700900111"
            )
        )["body"]
    record = first.admin.opt_out("phone", "+447700900111")
    first.close()

    second = LocalOperator.open(tmp_path, clock=clock)
    try:
        async with _client(second) as client:
            generated = await generate(
                client, second.credentials.publisher, clock.now_ms(), phone="+447700900111"
            )
            refreshed = await client.post("/v2/token/refresh", content=body["refresh_token"])
        log = second.admin.served_requests()
        assert generated == {"status": "optout"}
        assert open_refresh(refreshed, body["refresh_response_key"]) == {"status": "optout"}
        assert second.admin.opt_outs() == [record]
        assert [(r.path, r.status) for r in log] == [
            ("/v2/token/generate", "success"),
            ("/v2/token/generate", "optout"),
            ("/v2/token/refresh", "optout"),
        ]
    finally:
        second.close()


def test_the_database_holding_credentials_is_private_to_the_user(tmp_path: Path) -> None:
    LocalOperator.open(tmp_path).close()

    mode = stat.S_IMODE((tmp_path / DB_FILENAME).stat().st_mode)

    assert mode == 0o600


def test_each_data_dir_gets_its_own_random_credentials(tmp_path: Path) -> None:
    with LocalOperator.open(tmp_path / "a") as a, LocalOperator.open(tmp_path / "b") as b:
        assert a.credentials.publisher.api_key != b.credentials.publisher.api_key
        assert a.credentials.publisher.secret != b.credentials.publisher.secret
        assert a.credentials.publisher.api_key.startswith("UID2-C-L-999-")
        assert len(base64.b64decode(a.credentials.dsp.secret)) == 32
        assert a.admin_token != b.admin_token


def test_credentials_never_show_in_repr(tmp_path: Path) -> None:
    with LocalOperator.open(tmp_path) as operator:
        creds = operator.credentials
        text = repr(creds)

    assert creds.publisher.api_key not in text
    assert creds.publisher.secret not in text


def test_a_closed_operator_can_be_closed_again(tmp_path: Path) -> None:
    operator = LocalOperator.open(tmp_path)
    operator.close()
    operator.close()

    assert operator.closed


def test_a_database_left_readable_by_others_is_made_private_on_open(tmp_path: Path) -> None:
    LocalOperator.open(tmp_path).close()
    (tmp_path / DB_FILENAME).chmod(0o644)

    with LocalOperator.open(tmp_path):
        modes = {
            f.name: stat.S_IMODE(f.stat().st_mode)
            for f in tmp_path.iterdir()
            if f.name.startswith(DB_FILENAME)
        }

    assert modes[DB_FILENAME] == 0o600
    assert set(modes.values()) == {0o600}, modes


def test_a_data_dir_that_is_a_file_is_a_storage_error(tmp_path: Path) -> None:
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")

    with pytest.raises(StorageError, match="--data-dir"):
        LocalOperator.open(a_file)


def _open_files() -> list[str]:
    fds = Path("/proc/self/fd")
    return [str(fd.readlink()) for fd in fds.iterdir() if fd.exists()]


def test_a_data_dir_with_an_unreadable_row_fails_to_open_and_holds_nothing_open(
    tmp_path: Path,
) -> None:
    """A row the operator cannot read (here a hand-edited role) refuses the whole data dir,
    changes nothing in it, and leaves no database handle behind."""
    data_dir = tmp_path / "op"
    LocalOperator.open(data_dir).close()
    with contextlib.closing(sqlite3.connect(data_dir / DB_FILENAME)) as db, db:
        db.execute("UPDATE clients SET roles = 'BOGUS' WHERE name = 'dsp'")
    before = (data_dir / DB_FILENAME).read_bytes()

    with pytest.raises(StorageError, match="holds a value this desk cannot read"):
        LocalOperator.open(data_dir)

    assert not [name for name in _open_files() if name.startswith(str(data_dir))]
    assert (data_dir / DB_FILENAME).read_bytes() == before
