"""SIGTERM stops the desk window and the kiosk cleanly: exit 143, one line, nothing lost.

The real app runs as a child process (``python -m uid2_desk``, offscreen). While it serves,
this test is an outside client of the desk's embedded operator (the official SDK, as a team's
backend would be): every generate the operator answers is captured into the desk's journal.
SIGTERM arrives in the middle of that traffic. The desk must stop its server, drain what it
captured into the journal and close the journal, in that order, so every request the client
saw answered is in the journal afterwards, and the file passes SQLite's integrity check.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.integration.cli import desk_env
from tests.ui.child_process import run_child
from uid2_desk.journal import JOURNAL_FILE, Journal, JournalFilter
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.capture import CapturedClient

pytestmark = pytest.mark.slow

TERMINATED = 143
LINE = "uid2-desk: terminated (SIGTERM);"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = desk_env(tmp_path, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path.cwd()), os.environ.get("PYTHONPATH")])
    )
    return subprocess.Popen(
        [sys.executable, "-m", "uid2_desk", *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _rows(journal: Path) -> int:
    """Entries committed so far, read as a WAL reader (never blocks the desk's writer)."""
    if not journal.exists():
        return 0
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5)
    try:
        (n,) = db.execute("SELECT count(*) FROM entry").fetchone()
        return int(n)
    except sqlite3.OperationalError:  # the schema is still being made
        return 0
    finally:
        db.close()


def _until(condition: object, child: subprocess.Popen[str], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not (callable(condition) and condition()):
        if child.poll() is not None:
            raise AssertionError(f"the desk ended early: {child.communicate()[1][-2000:]}")
        assert time.monotonic() < deadline, "the desk never got there"
        time.sleep(0.05)


def _terminate(child: subprocess.Popen[str]) -> tuple[int, str]:
    child.send_signal(signal.SIGTERM)
    try:
        _, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        try:
            _, err = child.communicate(timeout=10)
        except subprocess.TimeoutExpired as exc:  # a process it started holds its pipes
            err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        raise AssertionError(f"SIGTERM did not stop the desk: {err[-2000:]}") from None
    return child.returncode, err


def _integrity_ok(journal: Path) -> None:
    db = sqlite3.connect(journal)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()


def test_sigterm_in_the_desk_window_journals_every_answered_request_then_exits_143(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    with LocalOperator.open(data_dir / "operator") as operator:  # the desk's own operator folder
        creds = operator.credentials.publisher
    port = _free_port()
    child = _start(tmp_path, "--data-dir", str(data_dir), "--operator-port", str(port))
    journal = data_dir / JOURNAL_FILE
    sdk = Uid2PublisherClient(f"http://127.0.0.1:{port}", creds.api_key, creds.secret)
    answered: list[str] = []
    stop = threading.Event()

    def traffic() -> None:  # the team's backend, calling until the desk is gone
        i = 0
        while not stop.is_set():
            email = f"outside-{i}@example.com"
            try:
                sdk.generate_token(TokenGenerateInput.from_email(email))
            except Exception:  # refused once the server stopped: nothing was answered
                if answered:
                    return
                time.sleep(0.05)
                continue
            answered.append(email)
            i += 1

    caller = threading.Thread(target=traffic, daemon=True)
    try:
        caller.start()
        _until(lambda: _rows(journal) >= 20, child)  # captured: the capture is live
        time.sleep(0.3)  # SIGTERM lands amid the traffic
        code, err = _terminate(child)
    finally:
        stop.set()
        caller.join(timeout=30)
        if child.poll() is None:
            child.kill()
            child.wait()
    assert code == TERMINATED, err[-2000:]
    assert LINE in err
    assert "Traceback" not in err
    _integrity_ok(journal)
    with Journal.open(journal) as reopened:
        entries = reopened.entries(JournalFilter(), limit=None, with_exchanges=True)
    captured = {
        e.exchange.request_plaintext or ""
        for e in entries
        if e.exchange is not None and CapturedClient.of(e.exchange) is not None
    }

    # Requests answered before the capture was live are not journaled; from the first one
    # that is, every answered request must be, the last ones before SIGTERM included.
    def journaled(email: str) -> bool:  # the SDK sends the address's hash
        return any(_hashed(email) in plaintext for plaintext in captured)

    first = next(i for i, email in enumerate(answered) if journaled(email))
    missing = [email for email in answered[first:] if not journaled(email)]
    assert len(answered) - first >= 20
    assert not missing, f"{len(missing)} answered requests are not in the journal: {missing}"


def _hashed(email: str) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(email.encode()).digest()).decode()


def test_sigterm_in_the_kiosk_exits_143_with_its_journal_whole(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    child = _start(tmp_path, "--kiosk", "--data-dir", str(data_dir))
    journal = data_dir / "kiosk" / JOURNAL_FILE
    try:
        _until(lambda: _rows(journal) >= 1, child)  # the loop is playing
        code, err = _terminate(child)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert code == TERMINATED, err[-2000:]
    assert LINE in err
    assert "Traceback" not in err
    _integrity_ok(journal)


def _catches_sigterm(pid: int) -> bool:
    """Whether the process has its SIGTERM handler (Linux: the caught-signals mask)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(mask, 16) & (1 << (signal.SIGTERM - 1)))


@pytest.mark.parametrize("mode", [(), ("--kiosk",)], ids=["desk", "kiosk"])
@pytest.mark.parametrize("after_s", [0.0, 0.4, 1.2])
def test_sigterm_at_any_moment_of_the_start_up_exits_143_and_says_so(
    tmp_path: Path, mode: tuple[str, ...], after_s: float
) -> None:
    """Before the window exists, while modules load, while the services open: all alike.

    The moments count from the handler's installation, the desk's first act (before it, in
    the interpreter's own start, the default SIGTERM ends a process that has opened nothing).
    """
    child = _start(tmp_path, *mode, "--data-dir", str(tmp_path / "data"))
    try:
        _until(lambda: _catches_sigterm(child.pid), child)
        time.sleep(after_s)
        code, err = _terminate(child)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert code == TERMINATED, err[-2000:]
    assert LINE in err
    assert "Traceback" not in err


SIGTERM_AT_A_MOMENT = """
import asyncio, os, signal, sys
from uid2_desk.app import run_gui
from uid2_desk.cli.main import build_parser
from uid2_desk.ui.window.desk_app import DeskApp

data_dir, moment = sys.argv[1:3]

def sigterm():
    os.kill(os.getpid(), signal.SIGTERM)  # its (early) handler runs before the next line

if moment == "made":  # as the desk behind the window is made
    init = DeskApp.__init__
    def init_after_a_sigterm(self, *args, **kwargs):
        sigterm()
        init(self, *args, **kwargs)
    DeskApp.__init__ = init_after_a_sigterm
else:  # as the desk begins to run, before the loop's own handler is installed
    run = DeskApp.run
    get_running_loop = asyncio.get_running_loop
    def loop_after_a_sigterm():
        asyncio.get_running_loop = get_running_loop
        sigterm()
        return get_running_loop()
    async def run_with_a_sigterm(self):
        asyncio.get_running_loop = loop_after_a_sigterm
        return await run(self)
    DeskApp.run = run_with_a_sigterm
print("exit", run_gui(build_parser().parse_args(["--data-dir", data_dir])), flush=True)
"""


@pytest.mark.parametrize("moment", ["made", "run"])
def test_a_sigterm_while_the_desk_behind_the_window_starts_is_not_lost(
    tmp_path: Path, moment: str
) -> None:
    """Until the loop's own handler is in, a SIGTERM's close must reach someone who acts."""
    result = run_child(SIGTERM_AT_A_MOMENT, str(tmp_path / "data"), moment, timeout=60)
    assert "exit 143" in result.stdout, result.stderr[-2000:]
    assert LINE in result.stderr
    assert "Traceback" not in result.stderr
