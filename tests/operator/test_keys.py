"""The operator's keys: made when time needs them, never by writing SQLite on the request path.

A request that needs a new key (the clock moved past what the current keys may encrypt)
gets one from memory at once; the key reaches the database from the background writer, so
a request never waits behind a database lock, and a restart still decrypts its tokens.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.operator.support import generate, open_refresh
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.state.keys import KEY_ROTATION_PERIOD_S, KeyRing, NoActiveKeyError
from uid2_desk.operator.state.store import DB_FILENAME, OperatorStore
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import OperatorStateError, StorageError, Uid2DeskError

START_MS = 1_767_225_600_000
#: Far enough that every key made at START_MS is too short-lived for new tokens.
PAST_EVERY_KEY_MS = (KEY_ROTATION_PERIOD_S + Lifetimes.local().refresh_s + 60) * 1000


@pytest.fixture
def database_locked(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the operator database's write lock (as a slow writer)."""
    LocalOperator.open(tmp_path / "op").close()
    conn = sqlite3.connect(tmp_path / "op" / DB_FILENAME, isolation_level=None, timeout=1)
    yield conn
    conn.close()


def _client(operator: LocalOperator) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=operator.asgi_app), base_url="http://operator.test"
    )


@pytest.mark.asyncio
async def test_a_request_needing_new_keys_never_waits_for_the_database(
    tmp_path: Path, database_locked: sqlite3.Connection
) -> None:
    clock = ManualClock(START_MS)
    operator = LocalOperator.open(tmp_path / "op", clock=clock, lifetimes=Lifetimes.local())
    keys_before = {key.id for key in operator.admin.all_keys()}
    clock.advance(PAST_EVERY_KEY_MS)
    database_locked.execute("BEGIN IMMEDIATE")
    try:
        async with _client(operator) as client:
            started = time.monotonic()
            reply = await asyncio.wait_for(
                generate(
                    client, operator.credentials.publisher, clock.now_ms(), email="k@example.com"
                ),
                timeout=5,
            )
            elapsed_s = time.monotonic() - started
    finally:
        database_locked.execute("ROLLBACK")
        operator.close()

    assert reply["status"] == "success"
    assert elapsed_s < 1.0
    assert {key.id for key in operator.admin.all_keys()} > keys_before


@pytest.mark.asyncio
async def test_keys_made_for_a_request_are_saved_and_refresh_after_a_restart(
    tmp_path: Path,
) -> None:
    clock = ManualClock(START_MS)
    first = LocalOperator.open(tmp_path / "op", clock=clock, lifetimes=Lifetimes.local())
    clock.advance(PAST_EVERY_KEY_MS)
    try:
        async with _client(first) as client:
            identity = await generate(
                client, first.credentials.publisher, clock.now_ms(), email="k@example.com"
            )
    finally:
        first.close()
    clock.advance(1_000)

    second = LocalOperator.open(tmp_path / "op", clock=clock, lifetimes=Lifetimes.local())
    try:
        async with _client(second) as client:
            response = await client.post(
                "/v2/token/refresh", content=identity["body"]["refresh_token"]
            )
    finally:
        second.close()

    assert open_refresh(response, identity["body"]["refresh_response_key"])["status"] == "success"


def test_two_operators_on_one_data_dir_never_give_two_keys_the_same_id(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    a = LocalOperator.open(tmp_path / "op", clock=clock, lifetimes=Lifetimes.local())
    b = LocalOperator.open(tmp_path / "op", clock=clock, lifetimes=Lifetimes.local())
    try:
        new_a = a.admin.rotate_keys()
        new_b = b.admin.rotate_keys()
    finally:
        a.close()
        b.close()

    assert not set(new_a) & set(new_b)
    with LocalOperator.open(tmp_path / "op", clock=clock) as reopened:
        ids = [key.id for key in reopened.admin.all_keys()]
    assert set(new_a) | set(new_b) <= set(ids)


def test_a_site_without_a_keyset_is_a_desk_error_with_a_message_for_people(
    tmp_path: Path,
) -> None:
    store = OperatorStore.open_in(tmp_path)
    try:
        ring = KeyRing.open(store, Lifetimes.local(), [999], START_MS)
        with pytest.raises(NoActiveKeyError) as caught:
            ring.site_key(4242, START_MS)
    finally:
        store.close()

    assert isinstance(caught.value, OperatorStateError)
    assert isinstance(caught.value, Uid2DeskError)
    assert "4242" in str(caught.value)


def test_the_writer_saves_successor_keys_before_any_request_can_sign_with_them(
    tmp_path: Path,
) -> None:
    store = OperatorStore.open_in(tmp_path)
    lifetimes = Lifetimes.local()
    ring = KeyRing.open(store, lifetimes, [1001], START_MS)
    # The clock runs on to a day before the first keys become too short-lived for new tokens.
    soon_ms = START_MS + (KEY_ROTATION_PERIOD_S - 3600) * 1000
    made = ring.prepare(soon_ms)  # what the background writer does each round
    assert len(made) == 3  # master, refresh, the site's keyset
    stored = {int(r[0]) for r in store.query("SELECT id FROM keys")}
    assert {key.id for key in made} <= stored
    # A day later the requests' keys are the prepared ones: nothing minted, nothing unsaved.
    later_ms = soon_ms + 2 * 3600 * 1000
    used = {ring.master_key(later_ms).id, ring.refresh_key(later_ms).id}
    used.add(ring.site_key(1001, later_ms).id)
    assert used == {key.id for key in made}
    assert ring.prepare(later_ms) == []
    # Killed now (no flush, no close), a restart still knows every key a token could carry.
    reopened = KeyRing(OperatorStore.open_in(tmp_path), lifetimes)
    assert all(reopened.lookup(key_id) is not None for key_id in used)


def test_more_keys_between_two_flushes_than_a_reserved_block_still_get_unique_saved_ids(
    tmp_path: Path,
) -> None:
    """A reserved block holds 32 ids; a clock leaping ahead 40 times between two flushes
    needs more, and every key still gets its own id and reaches the database."""
    store = OperatorStore.open_in(tmp_path)
    ring = KeyRing.open(store, Lifetimes.local(), [999], START_MS)
    made = [ring.master_key(START_MS + n * PAST_EVERY_KEY_MS).id for n in range(1, 41)]
    assert len(set(made)) == 40

    ring.flush()

    stored = {int(r[0]) for r in store.query("SELECT id FROM keys")}
    assert set(made) <= stored
    store.close()


def test_keys_a_flush_could_not_save_stay_queued_and_the_next_flush_saves_them(
    tmp_path: Path,
) -> None:
    """Another connection has taken the new key's id (a second operator on the data
    directory): the flush fails, and once the row is gone the key is saved after all."""
    store = OperatorStore.open_in(tmp_path)
    ring = KeyRing.open(store, Lifetimes.local(), [999], START_MS)
    key = ring.master_key(START_MS + PAST_EVERY_KEY_MS)
    other = sqlite3.connect(tmp_path / DB_FILENAME, isolation_level=None, timeout=1)
    other.execute(
        "INSERT INTO keys (id, keyset_id, site_id, secret, created_s, activates_s, expires_s) "
        "VALUES (?, 1, -1, x'00', 0, 0, 0)",
        (key.id,),
    )

    with pytest.raises(StorageError):
        ring.flush()
    other.execute("DELETE FROM keys WHERE id = ?", (key.id,))
    other.close()
    ring.flush()

    rows = store.query("SELECT secret, expires_s FROM keys WHERE id = ?", (key.id,))
    assert rows == [(key.secret, key.expires_s)]
    store.close()


@pytest.mark.asyncio
async def test_after_a_clock_jump_the_keys_a_request_signs_with_are_saved_before_it_is_answered(
    tmp_path: Path,
) -> None:
    """The soak's case: a time warp, a token, a kill before the writer's next flush."""
    clock = ManualClock(START_MS)
    operator = LocalOperator.open(tmp_path / "op", clock=clock, lifetimes=Lifetimes.local())
    clock.advance(PAST_EVERY_KEY_MS)
    try:
        async with _client(operator) as client:
            reply = await generate(
                client, operator.credentials.publisher, clock.now_ms(), email="k@example.com"
            )
        in_use = {key.id for key in operator.admin.all_keys()}
        # What a desk killed now would find on restart: no flush has run since the reply.
        on_disk = OperatorStore.open_in(tmp_path / "op")
        saved = {int(row[0]) for row in on_disk.query("SELECT id FROM keys")}
        on_disk.close()
    finally:
        operator.close()

    assert reply["status"] == "success"
    assert in_use <= saved


def test_the_ring_says_when_a_moment_needs_keys_it_does_not_have(tmp_path: Path) -> None:
    store = OperatorStore.open_in(tmp_path)
    ring = KeyRing.open(store, Lifetimes.local(), [999], START_MS)
    jumped = START_MS + PAST_EVERY_KEY_MS

    assert ring.covers(START_MS)
    assert not ring.covers(START_MS - 1_000)  # before any key was active
    assert not ring.covers(jumped)
    made = ring.prepare(jumped)
    assert {key.keyset_id for key in made} == {-1, -2, ring.keyset_for_site(999)}
    assert ring.covers(jumped)
    assert ring.master_key(jumped) in made  # no key made on the request path
    store.close()
