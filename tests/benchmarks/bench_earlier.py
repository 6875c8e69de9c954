"""Reopening an earlier session: what the paged view reads, against reading it all.

A session of 100,000 entries (20,000 in smoke mode) is written in one transaction. Opening
it as File ▸ Earlier sessions… reads only its entry numbers (index only) and the first page
of 200 rows; the reference is what a view holding every row would read first (every entry,
made into log rows). Both run on one journal connection, as the reader thread does. Also:
listing the journal's sessions (one ``GROUP BY``).

Run alone: ``python -m tests.benchmarks.bench_earlier [--smoke]``.
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

from uid2_desk.journal import Journal, JournalFilter
from uid2_desk.ui.earlier.paged_model import PAGE_ROWS
from uid2_desk.ui.log.log_rows import LogRow

SESSION = "20260101T000000Z-big1"
#: Opening must cost at most this fraction of reading every row.
TARGET_RATIO = 0.2
LIST_TARGET_MS = 200.0


def _build(path: Path, count: int) -> None:
    with Journal.open(path) as journal:
        journal.release()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO entry (at_ms, kind, name, session, user, environment, step, outcome,"
            " summary, detail, search) VALUES (?, 'event', 'user_returns', ?, ?, 'local', '3-a',"
            " NULL, ?, '[]', ?)",
            (
                (1_767_225_600_000 + i, SESSION if i >= 10 else "older", f"u{i % 50}@example.com",
                 f"entry {i}", f"user_returns entry {i}")
                for i in range(count)
            ),
        )  # fmt: skip
        db.execute("COMMIT")
    finally:
        db.close()


def _median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def run(smoke: bool) -> list[dict[str, Any]]:
    """Measure opening, reading all, and listing; return the table rows."""
    count = 20_000 if smoke else 100_000
    runs = 3 if smoke else 5
    f = JournalFilter(session=SESSION)
    with tempfile.TemporaryDirectory(prefix="uid2-bench-earlier-") as tmp:
        path = Path(tmp) / "journal.sqlite3"
        _build(path, count)
        with Journal.open(path) as journal:

            def open_paged() -> object:
                seqs = journal.seqs(f)
                page = journal.entries(f, after_seq=seqs[0] - 1, limit=PAGE_ROWS)
                return [LogRow.from_entry(e) for e in page]

            def read_all() -> object:
                return [LogRow.from_entry(e) for e in journal.entries(f, limit=None)]

            paged = _median_ms(open_paged, runs)
            whole = _median_ms(read_all, runs)
            listed = _median_ms(journal.session_infos, runs)
    ratio = paged / whole
    return [
        {
            "figure": f"earlier session: open {count:,} entries paged (entry numbers + first "
            f"page of {PAGE_ROWS}), ms (vs reading every row)",
            "ours": round(paged, 1),
            "reference": round(whole, 1),
            "ratio": round(ratio, 3),
            "target": f"<= {TARGET_RATIO:g}",
            "passed": ratio <= TARGET_RATIO,
        },
        {
            "figure": f"earlier sessions: list the journal's sessions at {count:,} entries, ms",
            "ours": round(listed, 1),
            "reference": LIST_TARGET_MS,
            "ratio": round(listed / LIST_TARGET_MS, 3),
            "target": f"<= {LIST_TARGET_MS:g} ms",
            "passed": listed <= LIST_TARGET_MS,
        },
    ]


def main(argv: list[str]) -> int:
    """Print the rows as a table; exit 1 if a target was missed (full mode only)."""
    from tests.benchmarks.__main__ import render

    smoke = "--smoke" in argv
    rows = run(smoke)
    print(render(rows))
    return 0 if smoke or all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
