"""The served-request log is capped: the background writer prunes the oldest rows in batches."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.operator.support import generate
from uid2_desk.operator import Lifetimes, LocalOperator, ServedRequest
from uid2_desk.operator.state.request_log import MAX_STORED_ROWS, PRUNE_BATCH_ROWS, RequestLog
from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.clock import ManualClock

START_MS = 1_767_225_600_000


def _served(n: int) -> ServedRequest:
    return ServedRequest(
        id=0,
        time_ms=START_MS + n,
        method="POST",
        path="/v2/token/generate",
        client="publisher",
        key_id="k1",
        status="success",
        http_status=200,
        latency_ms=1.0,
        fault=None,
    )


def _count(store: OperatorStore) -> int:
    return int(store.query("SELECT count(*) FROM served_requests")[0][0])


def _prefill(store: OperatorStore, rows: int) -> None:
    """Rows an operator served long ago, written straight into its table."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO served_requests (time_ms, method, path, client, key_id, status,"
            " http_status, latency_ms, fault) VALUES (?, 'POST', '/v2/token/refresh',"
            " 'publisher', 'k1', 'success', 200, 1.0, NULL)",
            [(START_MS + n,) for n in range(rows)],
        )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OperatorStore]:
    opened = OperatorStore.open_in(tmp_path)
    yield opened
    opened.close()


def test_the_cap_keeps_the_newest_fifty_thousand_rows_pruned_a_thousand_at_a_time() -> None:
    assert (MAX_STORED_ROWS, PRUNE_BATCH_ROWS) == (50_000, 1_000)


def test_a_flush_over_the_cap_prunes_the_oldest_rows_in_whole_batches(
    store: OperatorStore,
) -> None:
    log = RequestLog(store, max_rows=10, prune_batch=4)
    for n in range(13):
        log.append(_served(n))
    log.flush()
    # 13 rows: 3 over the cap, less than a batch: nothing pruned yet.
    assert _count(store) == 13

    log.append(_served(13))
    log.flush()

    rows = log.read(limit=100)
    assert len(rows) == 10  # 14 rows, one batch of 4 deleted
    assert [r.time_ms - START_MS for r in rows] == list(range(4, 14))  # the newest survive


def test_a_large_backlog_is_pruned_down_to_the_cap_in_one_flush(store: OperatorStore) -> None:
    _prefill(store, 1_000)
    log = RequestLog(store, max_rows=100, prune_batch=30)

    log.append(_served(5_000))
    log.flush()

    count = _count(store)
    assert 100 <= count < 100 + 30
    newest = log.read(after_id=0, limit=1_000)[-1]
    assert newest.time_ms == START_MS + 5_000


def test_reading_never_prunes_only_the_writer_does(store: OperatorStore) -> None:
    log = RequestLog(store, max_rows=5, prune_batch=1)
    for n in range(8):
        log.append(_served(n))

    assert len(log.read(limit=100)) == 8  # the queue is written, nothing deleted

    log.flush()
    assert [r.time_ms - START_MS for r in log.read(limit=100)] == [3, 4, 5, 6, 7]


def test_ids_keep_growing_after_a_prune_so_incremental_reads_still_work(
    store: OperatorStore,
) -> None:
    log = RequestLog(store, max_rows=3, prune_batch=1)
    for n in range(3):
        log.append(_served(n))
    seen = log.read(limit=100)
    for n in range(3, 6):
        log.append(_served(n))
    log.flush()

    later = log.read(after_id=seen[-1].id, limit=100)

    assert [r.time_ms - START_MS for r in later] == [3, 4, 5]
    assert min(r.id for r in later) > seen[-1].id


@pytest.mark.asyncio
async def test_the_operators_background_writer_prunes_an_oversized_log_while_it_runs(
    tmp_path: Path,
) -> None:
    """A database an older desk let grow: the running operator's writer brings it back."""
    backlog = MAX_STORED_ROWS + 2 * PRUNE_BATCH_ROWS + 500
    with_backlog = OperatorStore.open_in(tmp_path)
    _prefill(with_backlog, backlog)
    with_backlog.close()
    clock = ManualClock(START_MS)
    operator = LocalOperator.open(tmp_path, clock=clock, lifetimes=Lifetimes.local())
    try:
        transport = httpx.ASGITransport(app=operator.asgi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://op.test") as client:
            await generate(client, operator.credentials.publisher, clock.now_ms(), email="a@b.c")
        # The prefilled rows are numbered by time: the oldest left says how many are gone.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            oldest = operator.admin.served_requests(limit=1)[0]
            if oldest.time_ms - START_MS >= 2 * PRUNE_BATCH_ROWS:
                break
            time.sleep(0.05)  # the writer runs every 0.2 s on its own thread
        pruned_while_running = oldest.time_ms - START_MS
        rows = operator.admin.served_requests(limit=backlog + 10)
    finally:
        operator.close()

    assert pruned_while_running == 2 * PRUNE_BATCH_ROWS  # whole batches, while a batch is over
    assert len(rows) == backlog + 1 - 2 * PRUNE_BATCH_ROWS
    assert MAX_STORED_ROWS <= len(rows) < MAX_STORED_ROWS + PRUNE_BATCH_ROWS
    assert rows[-1].path == "/v2/token/generate"  # the newest request is kept
