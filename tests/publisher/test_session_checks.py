"""The desk's Checks panel runs the checks in a worker process over the journal file.

Same findings as checking the entries in-process; readable while the desk keeps its journal
open for writing (WAL); and what crosses the process boundary is plain values.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.publisher.test_integration_checks import Traffic
from uid2_desk.journal import Journal, JournalFilter
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.publisher.checks import Severity, run_checks
from uid2_desk.publisher.checks.session import check_session_file
from uid2_desk.walkthrough.captured import captured_step

pytestmark = pytest.mark.asyncio


async def _a_reused_refresh_token(traffic: Traffic) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(40)
    await traffic.refresh(first["body"]["refresh_token"])
    await traffic.refresh(first["body"]["refresh_token"])
    await traffic.generate("joe@example.com")


def _journal(traffic: Traffic, path: Path, session: str) -> Journal:
    journal = Journal.open(path)
    users = ChainUsers()
    for exchange in traffic.captured:
        journal.append_exchange(
            exchange, session=session, user=users(exchange), environment="local",
            step=captured_step(exchange),
        )  # fmt: skip
    journal.append_event(
        "tick", at_ms=1, session="other", user=None, environment="local", step=None
    )
    return journal


async def test_a_worker_process_finds_what_checking_in_process_finds(
    traffic: Traffic,
    tmp_path: Path,
) -> None:
    await _a_reused_refresh_token(traffic)
    path = tmp_path / "journal.sqlite3"
    journal = _journal(traffic, path, "s")  # still open for writing, as in the desk
    try:
        entries = journal.entries(JournalFilter(session="s"), limit=None, with_exchanges=True)
        expected = run_checks(entries)
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as worker:
            findings, exchanges = worker.submit(check_session_file, str(path), "s").result(60)
    finally:
        journal.close()
    assert findings == expected
    assert exchanges == 4  # the other session's event is not read
    assert any(f.check == "refresh_reuse" and f.severity is Severity.FAIL for f in findings)


async def test_an_empty_session_has_no_exchanges_to_judge(
    traffic: Traffic,
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    _journal(traffic, path, "s").close()
    findings, exchanges = check_session_file(str(path), "no-such-session")
    assert exchanges == 0
    assert all(f.severity is Severity.PASS for f in findings)
