"""On a full disk the served-request log stays bounded, counts what it drops, and still reads."""

from __future__ import annotations

from pathlib import Path

from tests.operator.test_request_log import _count, _served
from uid2_desk.operator.state.request_log import RequestLog
from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.errors import StorageError


def _fill_the_disk(store: OperatorStore) -> None:
    """SQLite's own "database or disk is full": no page may be added to the file any more."""
    with store.transaction() as conn:
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count = {pages}")


def _flush_error(log: RequestLog) -> str:
    """What the writer's flush reported ("" when it wrote everything)."""
    try:
        log.flush()
    except StorageError as exc:
        return str(exc)
    return ""


def test_a_full_disk_keeps_the_queue_bounded_and_reads_return_what_is_stored(
    tmp_path: Path,
) -> None:
    store = OperatorStore(tmp_path / "operator.db")
    log = RequestLog(store, max_pending=100, max_batch=30)
    for n in range(10):
        log.append(_served(n))
    log.flush()
    assert _count(store) == 10
    _fill_the_disk(store)
    errors: list[str] = []
    for n in range(10, 20_010):  # 20,000 requests while nothing can be written
        log.append(_served(n))
        if n % 1_000 == 0:
            errors.append(_flush_error(log))
    assert all("full" in e for e in errors[1:])  # the first flush still fitted a batch
    assert log.pending == 100
    stored = _count(store)  # what still fitted in the last page's free space
    assert stored < 200
    assert log.dropped == 20_000 - log.pending - (stored - 10)
    # A read does not fail because its flush does: it answers with the stored rows.
    assert [r.time_ms - _served(0).time_ms for r in log.read()] == list(range(stored))
    store.close()


def test_a_flush_writes_in_capped_batches_and_keeps_order(tmp_path: Path) -> None:
    store = OperatorStore(tmp_path / "operator.db")
    log = RequestLog(store, max_batch=7)
    for n in range(50):
        log.append(_served(n))
    log.flush()
    rows = log.read(limit=100)
    assert [r.time_ms - _served(0).time_ms for r in rows] == list(range(50))
    assert log.pending == 0
    assert log.dropped == 0
    store.close()
