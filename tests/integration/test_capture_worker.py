"""The capture worker: what ``uid2-desk operator`` serves is built and journaled in a process
of its own, and nothing it was handed goes missing without being said.

Real parts throughout: a real operator on a loopback port, the real worker process (spawned as
the command spawns it), the journal file it writes. The server's side only records and ships;
these are the promises that split must keep.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.operator.conftest import live_operator, operator_server
from tests.operator.support import bearer, seal
from tests.process_lines import Lines
from uid2_desk.cli.capture import OperatorCapture
from uid2_desk.cli.capture_process import CaptureShipper
from uid2_desk.cli.capture_worker import CaptureJob
from uid2_desk.journal import Journal, JournalFilter
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.protocol.errors import StorageError

__all__ = ["live_operator", "operator_server"]  # fixtures, shared with the operator's tests


def _generate(server: OperatorServer, operator: LocalOperator, email: str) -> httpx.Response:
    creds = operator.credentials.publisher
    sealed = seal(creds.secret, {"email": email}, operator.clock.now_ms())
    return httpx.post(
        f"{server.base_url}/v2/token/generate", content=sealed.body, headers=bearer(creds)
    )


def _journaled(data_dir: Path) -> list[str]:
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        entries = journal.entries(JournalFilter(), limit=None, with_exchanges=True)
    return [e.exchange.request_plaintext or "" for e in entries if e.exchange is not None]


def test_every_request_served_is_journaled_decrypted_in_order_and_watched(
    live_operator: LocalOperator, operator_server: OperatorServer, tmp_path: Path
) -> None:
    out = io.StringIO()
    capture = OperatorCapture(tmp_path, live_operator.clock, watch=True, out=out)
    capture.start()
    live_operator.capture_requests_to(capture.sink)
    emails = [f"user{i}@example.com" for i in range(25)]
    for email in emails:
        assert _generate(operator_server, live_operator, email).status_code == 200
    live_operator.capture_requests_to(None)
    capture.stop()

    assert [json.loads(text)["email"] for text in _journaled(tmp_path)] == emails
    tally = capture.sink.tally
    assert tally.written == 25
    assert tally.dropped == tally.failed == 0
    watched = [line for line in out.getvalue().splitlines() if "/v2/token/generate" in line]
    assert len(watched) == 25
    assert all("200 success  1-d" in line for line in watched)


def test_a_journal_the_worker_cannot_open_stops_the_start_with_its_reason(
    tmp_path: Path,
) -> None:
    (tmp_path / "journal.sqlite3").mkdir()  # a folder where the journal file should be
    capture = CaptureShipper(CaptureJob(str(tmp_path / "journal.sqlite3"), "s", "local", False))

    with pytest.raises(StorageError, match=r"journal"):
        capture.start()

    assert capture.worker_pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(capture.worker_pid, 0)  # the worker that refused is gone, not left behind


def _recorded(operator: LocalOperator, server: OperatorServer, count: int) -> list[Any]:
    """``count`` generates served by ``operator``, as its capture records them."""
    seen: list[Any] = []
    operator.capture_requests_to(seen.append)
    for i in range(count):
        _generate(server, operator, f"u{i}@example.com")
    operator.capture_requests_to(None)
    return seen


def _job(tmp_path: Path) -> CaptureJob:
    return CaptureJob(str(tmp_path / "j.sqlite3"), "s", "local", False)


def test_what_does_not_fit_the_buffer_is_dropped_and_counted_never_waited_for(
    live_operator: LocalOperator, operator_server: OperatorServer, tmp_path: Path
) -> None:
    shipper = CaptureShipper(_job(tmp_path), limit=2)
    for item in _recorded(live_operator, operator_server, 5):
        shipper(item)  # before the start nothing is shipped: two fit, three do not

    shipper.start()
    shipper.stop()

    assert (shipper.tally.dropped, shipper.tally.written, shipper.tally.failed) == (3, 2, 0)


def test_what_a_dying_worker_took_along_is_counted_lost_with_why(
    live_operator: LocalOperator, operator_server: OperatorServer, tmp_path: Path
) -> None:
    items = _recorded(live_operator, operator_server, 4)
    shipper = CaptureShipper(_job(tmp_path))
    shipper.start()
    assert shipper.worker_pid is not None
    os.kill(shipper.worker_pid, signal.SIGSTOP)  # it reads nothing more
    for item in items:
        shipper(item)
    _wait_for(lambda: shipper.tally.shipped == 4)  # in its pipe, never journaled
    os.kill(shipper.worker_pid, signal.SIGKILL)

    shipper.stop()

    tally = shipper.tally
    assert (tally.shipped, tally.written, tally.lost, tally.failed) == (4, 0, 4, 4)
    assert tally.last_error == "the capture worker stopped unexpectedly (exit code -9)"


def test_a_stop_that_waits_says_so_and_a_second_ctrl_c_leaves_the_rest_counted(
    live_operator: LocalOperator, operator_server: OperatorServer, tmp_path: Path
) -> None:
    items = _recorded(live_operator, operator_server, 3)
    shipper = CaptureShipper(_job(tmp_path))
    shipper.start()
    assert shipper.worker_pid is not None
    os.kill(shipper.worker_pid, signal.SIGSTOP)  # a worker that cannot keep up
    for item in items:
        shipper(item)
    give_up = threading.Event()
    told: list[int] = []

    def slow(waiting: int) -> None:
        told.append(waiting)
        give_up.set()  # the user presses Ctrl-C again

    started = time.monotonic()
    shipper.stop(give_up, slow)

    assert told == [3]
    assert time.monotonic() - started < 10
    assert (shipper.tally.lost, shipper.tally.written) == (3, 0)
    assert shipper.tally.last_error == "left unjournaled when the stop was asked again"


def test_a_watch_printer_that_breaks_stops_printing_and_nothing_else(
    live_operator: LocalOperator, operator_server: OperatorServer, tmp_path: Path
) -> None:
    def broken_terminal(lines: list[str]) -> None:
        raise BrokenPipeError(32, "Broken pipe")  # `--watch | head` after head left

    job = CaptureJob(str(tmp_path / "j.sqlite3"), "s", "local", watch=True)
    shipper = CaptureShipper(job, broken_terminal)
    shipper.start()
    for item in _recorded(live_operator, operator_server, 30):
        shipper(item)
    shipper.stop()

    assert (shipper.tally.written, shipper.tally.failed) == (30, 0)
    assert shipper.watch_error == "BrokenPipeError: [Errno 32] Broken pipe"


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_worker_that_dies_is_said_with_how_many_requests_it_took_along(
    live_operator: LocalOperator, operator_server: OperatorServer, tmp_path: Path
) -> None:
    capture = OperatorCapture(tmp_path, live_operator.clock, watch=False)
    capture.start()
    live_operator.capture_requests_to(capture.sink)
    assert capture.sink.worker_pid is not None
    os.kill(capture.sink.worker_pid, signal.SIGKILL)
    for i in range(3):  # served all the same: the client never notices the capture
        assert _generate(operator_server, live_operator, f"u{i}@example.com").status_code == 200
    live_operator.capture_requests_to(None)
    capture.stop()

    assert capture.sink.tally.written == 0
    assert capture.sink.tally.failed == 3
    assert "capture worker stopped unexpectedly" in (capture.sink.tally.last_error or "")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _ended(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status  # a zombie has ended; only its parent's reaping is left


def _operator_process(data_dir: Path, creds_file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "uid2_desk", "operator", "--port", "0",
         "--data-dir", str(data_dir), "--credentials-out", str(creds_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
    )  # fmt: skip


def test_a_killed_operator_leaves_what_it_served_journaled_and_no_worker_behind(
    tmp_path: Path,
) -> None:
    data_dir, creds_file = tmp_path / "data", tmp_path / "creds.json"
    proc = _operator_process(data_dir, creds_file)
    try:
        Lines(proc).wait_for("listening on")
        creds = json.loads(creds_file.read_text())
        pub = creds["publisher"]
        emails = [f"k{i}@example.com" for i in range(1200)]  # more than two journal groups
        with httpx.Client(base_url=creds["base_url"], headers=bearer(pub["api_key"])) as client:
            for email in emails:
                sealed = seal(pub["secret"], {"email": email}, int(time.time() * 1000))
                assert client.post("/v2/token/generate", content=sealed.body).status_code == 200
        children = _children(proc.pid)  # the worker, and multiprocessing's resource tracker
        assert any(b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes() for c in children)
        time.sleep(0.5)  # past the shipping pause: everything served has left the server
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 60
        while not all(map(_ended, children)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(_ended, children))
    finally:
        if proc.poll() is None:
            proc.kill()
        _, stderr = proc.communicate()  # ends when the worker, which shares it, has ended

    assert "Traceback" not in stderr
    assert [json.loads(text)["email"] for text in _journaled(data_dir)] == emails


def test_ctrl_c_while_the_worker_still_opens_the_journal_ends_the_run_quietly(
    tmp_path: Path,
) -> None:
    data_dir, creds_file = tmp_path / "data", tmp_path / "creds.json"
    Journal.open(data_dir / "journal.sqlite3").close()
    holder = sqlite3.connect(data_dir / "journal.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # the worker's open waits for this lock
    proc = _operator_process(data_dir, creds_file)
    try:
        time.sleep(2)  # the worker is started and waiting for the journal
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the terminal: the whole group
        time.sleep(0.3)
        holder.execute("ROLLBACK")
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        holder.close()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "listening on" not in stdout  # stopped before it ever served
    assert stdout.rstrip().endswith("UID2 local operator stopped.")
    assert not creds_file.exists()


def test_the_worker_runs_only_on_cpu_time_the_server_leaves(tmp_path: Path) -> None:
    shipper = CaptureShipper(_job(tmp_path))
    shipper.start()
    try:
        assert shipper.worker_pid is not None
        assert os.sched_getscheduler(shipper.worker_pid) == os.SCHED_IDLE
        assert os.sched_getscheduler(0) != os.SCHED_IDLE  # the server keeps its own class
    finally:
        shipper.stop()


def test_a_batch_the_journal_refuses_is_counted_with_why_and_the_worker_keeps_going(
    live_operator: LocalOperator, operator_server: OperatorServer, tmp_path: Path
) -> None:
    items = _recorded(live_operator, operator_server, 3)
    shipper = CaptureShipper(_job(tmp_path))
    shipper.start()
    other = sqlite3.connect(tmp_path / "j.sqlite3", isolation_level=None)
    other.execute("DROP TABLE entry")  # another program damaged the journal's schema
    other.close()
    shipper(items[0])
    shipper(items[1])
    _wait_for(lambda: shipper.tally.failed_there == 2)
    shipper(items[2])  # still taken in, and still tried
    shipper.stop()
    shipper.stop()  # a second stop changes nothing

    tally = shipper.tally
    assert (tally.written, tally.failed_there, tally.lost, tally.failed) == (0, 3, 0, 3)
    assert "no such table: entry" in (tally.last_error or "")
