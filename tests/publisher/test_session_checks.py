"""The desk's Checks panel runs the checks in a worker process over the journal file.

Same findings as checking the entries in-process; readable while the desk keeps its journal
open for writing (WAL); what crosses the process boundary is plain values; and the worker
does not outlive the desk, however the desk ended.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.publisher.test_integration_checks import Traffic
from uid2_desk.journal import Journal, JournalFilter
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.publisher.checks import Severity, run_checks
from uid2_desk.publisher.checks.session import check_session_file
from uid2_desk.walkthrough.captured import captured_step


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


@pytest.mark.asyncio
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


@pytest.mark.asyncio
async def test_an_empty_session_has_no_exchanges_to_judge(
    traffic: Traffic,
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    _journal(traffic, path, "s").close()
    findings, exchanges = check_session_file(str(path), "no-such-session")
    assert exchanges == 0
    assert all(f.severity is Severity.PASS for f in findings)


#: A desk-like parent: the checks' worker started as the desk starts it, its pid printed.
PARENT_OF_A_WORKER = """
import multiprocessing, os, sys
from concurrent.futures import ProcessPoolExecutor
from uid2_desk.publisher.checks.session import start_worker

spawn = multiprocessing.get_context("spawn")
pool = ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=start_worker)
print(pool.submit(os.getpid).result(60), flush=True)
sys.stdin.read()  # until it is killed
"""


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie nobody reaped has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
def test_the_worker_ends_when_the_desk_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_OF_A_WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    try:
        worker = int(parent.stdout.readline())
        assert _alive(worker)
    finally:
        parent.kill()  # no shutdown, no exit handlers: as kill -9 leaves it
        parent.wait(30)
        parent.stdout.close()  # (a worker that outlived it holds the pipe's other end)
        assert parent.stdin is not None
        parent.stdin.close()
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive, "the checks worker outlived the desk"
