"""The publisher's user store: round trips, damaged rows, and errors a person can act on."""

from __future__ import annotations

import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import ChainLink, PolicyKind, TestUser, UserState
from uid2_desk.publisher.store import STORE_FILE, UserStore
from uid2_desk.publisher.user_record import UserRecord

USER = TestUser(
    id="u1",
    kind=DiiKind.EMAIL,
    entered="Jane@Example.com",
    normalized="jane@example.com",
    hash_b64="x" * 44,
    environment="local",
    label="Jane",
)
IDENTITY = Identity("A4tok", "AAAAArefresh", 3_000, 4_000, 2_000, refresh_response_key=b"k" * 32)


def test_a_record_round_trips_with_its_chain(tmp_path: Path) -> None:
    store = UserStore(tmp_path / STORE_FILE)
    record = UserRecord(
        user=USER,
        state=UserState.REFRESH_DUE,
        identity=IDENTITY,
        identity_set_ms=1_000,
        policy=PolicyKind.AUTOMATIC,
        attempts=2,
        last_attempt_ms=2_500,
        last_error="HTTP 500",
    )
    store.save(record)
    link = ChainLink(1_000, "generate", "success", "A4tok", 7)
    store.add_link("u1", link)
    store.close()

    (loaded,) = UserStore(tmp_path / STORE_FILE).load()
    assert loaded == UserRecord(**{**record.__dict__, "chain": (link,)})


def test_removing_a_user_removes_their_chain(tmp_path: Path) -> None:
    store = UserStore(tmp_path / STORE_FILE)
    store.save(UserRecord(user=USER, state=UserState.NO_IDENTITY))
    store.add_link("u1", ChainLink(1, "generate", "optout", None, 1))
    store.remove("u1")
    assert store.load() == []
    count = sqlite3.connect(tmp_path / STORE_FILE).execute("SELECT count(*) FROM chain").fetchone()
    assert count == (0,)


def test_a_damaged_identity_row_opens_as_invalid_instead_of_failing(tmp_path: Path) -> None:
    store = UserStore(tmp_path / STORE_FILE)
    store.save(UserRecord(user=USER, state=UserState.ESTABLISHED, identity=IDENTITY))
    store.close()
    with sqlite3.connect(tmp_path / STORE_FILE) as db:
        db.execute("UPDATE users SET identity_json = '{\"advertising_token\": 1}'")

    (loaded,) = UserStore(tmp_path / STORE_FILE).load()
    assert loaded.state is UserState.INVALID
    assert loaded.identity is None


def test_an_unusable_store_raises_storage_error_with_advice(tmp_path: Path) -> None:
    path = tmp_path / STORE_FILE
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="--data-dir"):
        UserStore(path)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_store_and_its_side_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    store = UserStore(tmp_path / STORE_FILE)
    store.save(UserRecord(user=USER, state=UserState.ESTABLISHED, identity=IDENTITY))

    files = sorted(tmp_path.glob(STORE_FILE + "*"))
    assert {f.name for f in files} >= {STORE_FILE, STORE_FILE + "-wal"}  # open: WAL in use
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: 0o600 for f in files}
    store.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_store_written_world_readable_by_an_older_desk_is_narrowed_on_open(
    tmp_path: Path,
) -> None:
    UserStore(tmp_path / STORE_FILE).close()
    (tmp_path / STORE_FILE).chmod(0o644)

    UserStore(tmp_path / STORE_FILE).close()

    assert stat.S_IMODE((tmp_path / STORE_FILE).stat().st_mode) == 0o600
