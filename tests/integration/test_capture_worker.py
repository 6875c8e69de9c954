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
import subprocess
import sys
import time
from pathlib import Path

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
    assert capture.sink.written == 25
    assert capture.sink.dropped == capture.sink.failed == 0
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


def test_what_does_not_fit_the_buffer_is_dropped_and_counted_never_waited_for(
    live_operator: LocalOperator, operator_server: OperatorServer, tmp_path: Path
) -> None:
    seen: list[object] = []
    live_operator.capture_requests_to(seen.append)
    for i in range(5):
        _generate(operator_server, live_operator, f"u{i}@example.com")
    live_operator.capture_requests_to(None)
    shipper = CaptureShipper(CaptureJob(str(tmp_path / "j.sqlite3"), "s", "local", False), limit=2)
    shipper.start()

    for item in seen:  # faster than one gathering pause: only two fit
        shipper(item)  # type: ignore[arg-type]
    shipper.stop()

    assert (shipper.dropped, shipper.written, shipper.failed) == (3, 2, 0)


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

    assert capture.sink.written == 0
    assert capture.sink.failed == 3
    assert "capture worker stopped unexpectedly" in (capture.sink.last_error or "")


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


def test_a_killed_operator_leaves_what_it_served_journaled_and_no_worker_behind(
    tmp_path: Path,
) -> None:
    data_dir, creds_file = tmp_path / "data", tmp_path / "creds.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uid2_desk", "operator", "--port", "0",
         "--data-dir", str(data_dir), "--credentials-out", str(creds_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        Lines(proc).wait_for("listening on")
        creds = json.loads(creds_file.read_text())
        pub = creds["publisher"]
        for i in range(10):
            sealed = seal(pub["secret"], {"email": f"k{i}@example.com"}, int(time.time() * 1000))
            reply = httpx.post(
                f"{creds['base_url']}/v2/token/generate",
                content=sealed.body,
                headers=bearer(pub["api_key"]),
            )
            assert reply.status_code == 200
        children = _children(proc.pid)  # the worker, and multiprocessing's resource tracker
        assert any(b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes() for c in children)
        time.sleep(0.5)  # past the shipping pause: everything served has left the server
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 30
        while not all(map(_ended, children)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(_ended, children))
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()

    emails = [json.loads(text)["email"] for text in _journaled(data_dir)]
    assert emails == [f"k{i}@example.com" for i in range(10)]
