"""Benchmark: durable journal appends per second, and filtering a 100,000-entry journal.

Appends: each one is a full ``append_exchange`` (scrub, encode, two inserts, fsync'ed commit
with ``synchronous=FULL``), against the floor of bare ``sqlite3`` committing one row of the
same size with the same settings (target: at least 40% of the floor's rate, as an append
also writes the exchange row and five index entries).

Filters: a journal of 100,000 realistic entries (5,000 in smoke mode) is filled in bulk; each
figure is what the log view does when a filter changes, ``count(f)`` plus the first page of
500, median of five runs, against the 150 ms target.

Run alone: ``python -m tests.benchmarks.bench_journal [--smoke]``.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.journal.recorded import T0, Recorded, record
from uid2_desk.journal import EntryKind, Journal, JournalFilter
from uid2_desk.journal.codec import encode_exchange
from uid2_desk.journal.connection import PAGE_SIZE
from uid2_desk.protocol.exchange import Exchange

FILTER_TARGET_MS = 150.0
#: An append writes the entry row, the exchange row and five index entries; the floor one row.
APPEND_TARGET_RATIO = 0.4
USERS = 50
SESSION_SIZE = 2_000


def _mix(r: Recorded) -> list[Exchange]:
    """A realistic spread of the real operator's answers: mostly generates and refreshes."""
    successes = [r.generate, r.phone_generate, r.leaving_generate, r.refresh] * 4
    refusals = [r.optout_generate, r.optout_refresh, r.expired_refresh, r.client_error]
    failures = [r.unauthorized, r.server_error, r.unavailable, r.timeout]
    return successes + refusals + failures


def _fill(journal: Journal, count: int, r: Recorded) -> None:
    mix = _mix(r)
    with journal.bulk():
        for i in range(count):
            session, user = f"s{i // SESSION_SIZE:03d}", f"user{i % USERS}@example.com"
            if i % 5 == 4:
                journal.append_event(
                    "state_changed",
                    at_ms=T0 + i,
                    session=session,
                    user=user,
                    environment="local",
                    step=None,
                    outcome="refreshed",
                    summary=f"{user}: Established → Refreshed",
                    detail={"from": "established", "to": "refreshed"},
                )
                continue
            x = mix[i % len(mix)]
            step = "1-d" if x.endpoint.endswith("generate") else "3-b"
            journal.append_exchange(x, session=session, user=user, environment="local", step=step)


def _tick(journal: Journal) -> None:
    journal.append_event("tick", at_ms=1, session="bench", user=None, environment="e", step=None)


def _median_ms(
    action: Callable[[], object], runs: int = 5, before: Callable[[], object] | None = None
) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(times)


def _append_rate(path: Path, count: int, exchange: Exchange) -> float:
    with Journal.open(path) as journal:
        for _ in range(10):  # warm-up
            journal.append_exchange(exchange, session="w", user="u", environment="e", step="1-d")
        started = time.perf_counter()
        for _ in range(count):
            journal.append_exchange(exchange, session="b", user="u", environment="e", step="1-d")
        return count / (time.perf_counter() - started)


def _floor_rate(path: Path, count: int, exchange: Exchange) -> float:
    """Bare sqlite3 with the journal's settings, one row of the same size per commit."""
    blob = encode_exchange(exchange)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT, doc BLOB)")
        started = time.perf_counter()
        for _ in range(count):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t (summary, doc) VALUES (?, ?)", ("x" * 100, blob))
            db.execute("COMMIT")
        return count / (time.perf_counter() - started)
    finally:
        db.close()


def _append_row(tmp: Path, smoke: bool, r: Recorded) -> dict[str, Any]:
    count = 100 if smoke else 1000
    ours_rates, floor_rates = [], []
    for i in range(3):  # interleaved, so a burst of load elsewhere hits both alike
        ours_rates.append(_append_rate(tmp / f"a{i}.db", count, r.generate))
        floor_rates.append(_floor_rate(tmp / f"f{i}.db", count, r.generate))
    ours, floor = max(ours_rates), max(floor_rates)
    ratio = ours / floor
    return {
        "figure": "journal: durable appends/s (synchronous=FULL) vs bare sqlite3",
        "ours": round(ours, 1),
        "reference": round(floor, 1),
        "ratio": round(ratio, 3),
        "target": f">= {APPEND_TARGET_RATIO}",
        "passed": ratio >= APPEND_TARGET_RATIO,
    }


def _filter_rows(tmp: Path, smoke: bool, r: Recorded) -> list[dict[str, Any]]:
    count = 5_000 if smoke else 100_000
    rows = []
    with Journal.open(tmp / "filter.db") as journal:
        _fill(journal, count, r)
        assert journal.count() == count
        last = journal.last_seq()
        cases: list[tuple[str, JournalFilter]] = [
            ("text, no match (full scan)", JournalFilter(text="no-such-thing")),
            ("text 'optout'", JournalFilter(text="optout")),
            ("text + outcome", JournalFilter(text="user7 refresh", outcome="success")),
            ("user", JournalFilter(user="user7@example.com")),
            ("endpoint + text", JournalFilter(endpoint="/v2/token/refresh", text="400")),
            ("outcome error", JournalFilter(outcome="error")),
            ("session", JournalFilter(session="s001")),
            ("kind event", JournalFilter(kind=EntryKind.EVENT)),
        ]
        for label, f in cases:

            def view(f: JournalFilter = f) -> None:
                journal.count(f)
                journal.entries(f, limit=500)

            # Time what a new filter costs: a change in between drops the kept matches.
            ms = _median_ms(view, before=lambda: _tick(journal))
            rows.append(_ms_row(f"journal: filter at {count:,}: {label} (count + page)", ms))
        tail = _median_ms(lambda: journal.entries(before_seq=last + 1, limit=500))
        rows.append(_ms_row(f"journal: newest page of 500 at {count:,}", tail))
    return rows


def _ms_row(figure: str, ms: float) -> dict[str, Any]:
    return {
        "figure": figure,
        "ours": round(ms, 2),
        "reference": FILTER_TARGET_MS,
        "ratio": round(ms / FILTER_TARGET_MS, 3),
        "target": f"<= {FILTER_TARGET_MS:g} ms",
        "passed": ms <= FILTER_TARGET_MS,
    }


def run(smoke: bool) -> list[dict[str, Any]]:
    """Measure append rate and filter times; return the table rows."""
    with tempfile.TemporaryDirectory(prefix="uid2-bench-journal-") as tmp:
        r = record(Path(tmp) / "operator")  # real exchanges from the local operator
        return [_append_row(Path(tmp), smoke, r), *_filter_rows(Path(tmp), smoke, r)]


def main(argv: list[str]) -> int:
    """Print the rows as a table; exit 1 if a target was missed (full mode only)."""
    from tests.benchmarks.__main__ import render

    smoke = "--smoke" in argv
    rows = run(smoke=smoke)
    print(render(rows))
    return 0 if smoke or all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
