"""An entry reported after its append survives the process being killed with SIGKILL.

``kill -9`` loses what the process had not handed to the OS; it proves that an append returns
only after its commit. Power-loss durability (the fsync of ``synchronous=FULL``) cannot be
simulated here; ``test_store`` checks that setting is in force.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.journal.recorded import T0, Recorded
from uid2_desk.journal import Journal
from uid2_desk.journal.codec import exchange_to_json
from uid2_desk.journal.prepare import without_secrets

REPO = Path(__file__).resolve().parents[2]


def _run_and_kill(path: Path, start: int, lines: int, exchange_json: Path) -> list[int]:
    """Start the appending child, read ``lines`` reported seqs, SIGKILL it mid-stream."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.journal.append_child",
            str(path),
            str(start),
            str(exchange_json),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    reported: list[int] = []
    try:
        assert proc.stdout is not None
        while len(reported) < lines:
            line = proc.stdout.readline()
            assert line, f"the child stopped early: {proc.stderr.read() if proc.stderr else ''}"
            reported.append(int(line))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert proc.returncode == -signal.SIGKILL
    return reported


def test_every_reported_entry_survives_kill_minus_nine(tmp_path: Path, recorded: Recorded) -> None:
    path = tmp_path / "journal.db"
    exchange_json = tmp_path / "generate.json"
    exchange_json.write_text(json.dumps(exchange_to_json(recorded.generate)), encoding="utf-8")
    reported: list[int] = []
    # Three crashes in a row: each restart recovers the WAL left by the killed process.
    for lines in (25, 7, 40):
        with Journal.open(path) as j:
            start = j.last_seq() + 1
        reported += _run_and_kill(path, start, lines, exchange_json)
        with Journal.open(path) as j:
            present = {e.seq for e in j.entries(limit=None)}
            missing = [seq for seq in reported if seq not in present]
            assert missing == []
            # The newest reported entries are whole, bytes and all.
            for seq in reported[-3:]:
                entry = j.get(seq)
                assert entry is not None
                assert entry.exchange == dataclasses.replace(
                    recorded.generate,
                    started_ms=T0 + seq,
                    response_plaintext=without_secrets(recorded.generate.response_plaintext),
                )
    assert reported == sorted(set(reported))


def test_commits_ask_for_a_full_flush_where_the_platform_has_one(tmp_path: Path) -> None:
    # F_FULLFSYNC on macOS; SQLite ignores it elsewhere, so it is on everywhere.
    with Journal.open(tmp_path / "j.db") as journal:
        db = journal._db
        assert db.execute("PRAGMA fullfsync").fetchone() == (1,)
        assert db.execute("PRAGMA checkpoint_fullfsync").fetchone() == (1,)
        assert db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
