"""Benchmark: kill -9 at random moments of a desk's run (issue 18): nothing lost, every token lives.

A desk (:mod:`tests.benchmarks.soak_child`: the real services, the local operator in
process, key rotation every 100 calls, time warps, now and then past every key made ahead)
makes 1,000 operator calls (100 in smoke mode) and is killed with SIGKILL at 10 random
moments (2 in smoke mode), each time a few milliseconds after a random call. After each
kill:

- every journal entry the desk had reported committed must be in the journal (**entries
  lost**, target 0);
- the restarted desk refreshes every token it holds that has not expired: each must refresh
  (**tokens that no longer refresh**, target 0); a key forgotten by the killed operator would
  fail here with "Generator of this token does not exist".

Run alone: ``python -m tests.benchmarks.bench_soak [--smoke]``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from uid2_desk.journal import JOURNAL_FILE

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Soak:
    """What the runs reported, summed."""

    calls: int = 0
    kills: int = 0
    committed: set[int] = field(default_factory=set)
    lost: set[int] = field(default_factory=set)
    checked: int = 0
    failed: list[str] = field(default_factory=list)


class _Child:
    """One desk process, its stdout read on a thread (so the kill lands wherever it lands)."""

    def __init__(self, data_dir: Path, seed: int, count: int) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.soak_child", str(data_dir), str(seed),
             str(count)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def calls(self) -> int:
        return sum(1 for line in list(self.lines) if line.startswith("x "))

    def wait_calls(self, n: int, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while self.calls() < n:
            if self.proc.poll() is not None:
                self._reader.join(5)
                if self.calls() >= n:
                    return
                raise RuntimeError(f"the soak desk ended early: {self._stderr()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the soak desk stalled: {self._stderr()}")
            time.sleep(0.001)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._reader.join(10)
        self._close()

    def finish(self) -> None:
        code = self.proc.wait(timeout=120)
        self._reader.join(10)
        if code != 0:
            raise RuntimeError(f"the soak desk failed ({code}): {self._stderr()}")
        self._close()

    def _stderr(self) -> str:
        return self.proc.stderr.read()[-3000:] if self.proc.stderr else ""

    def _close(self) -> None:
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def _record(soak: Soak, child: _Child, journal: Path) -> None:
    lines = list(child.lines)
    soak.calls += sum(1 for line in lines if line.startswith("x "))
    reported = {int(line.split()[1]) for line in lines if line.startswith("seq ")}
    soak.committed |= reported
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        stored = {seq for (seq,) in db.execute("SELECT seq FROM entry")}
    finally:
        db.close()
    soak.lost |= reported - stored
    soak.checked += sum(1 for line in lines if line.startswith("check "))
    soak.failed += [line for line in lines if line.startswith("check fail")]


def soak(data_dir: Path, total: int, kills: int, seed: int) -> Soak:
    """Run ``total`` calls, killing the desk after ``kills`` random ones; then check once more."""
    rng = random.Random(seed)
    moments = sorted(rng.sample(range(1, total), kills))
    result = Soak()
    journal = data_dir / JOURNAL_FILE
    done = 0
    for run, moment in enumerate(moments):
        child = _Child(data_dir, seed + run, total)  # more calls than it lives to make
        child.wait_calls(moment - done)
        time.sleep(rng.uniform(0, 0.02))  # somewhere inside the next call
        child.kill()
        result.kills += 1
        _record(result, child, journal)
        done = result.calls
    last = _Child(data_dir, seed + kills, max(total - done, 0))
    last.finish()
    _record(result, last, journal)
    check = _Child(data_dir, seed + kills + 1, 0)  # a clean restart: every token once more
    check.finish()
    _record(result, check, journal)
    return result


def run(smoke: bool) -> list[dict[str, Any]]:
    """The soak's two figures."""
    total, kills = (100, 2) if smoke else (1_000, 10)
    seed = random.SystemRandom().randrange(1_000_000)
    with tempfile.TemporaryDirectory(prefix="uid2-bench-soak-") as tmp:
        started = time.perf_counter()
        s = soak(Path(tmp) / "desk", total, kills, seed)
        seconds = time.perf_counter() - started
    for line in s.failed[:10]:  # why, for whoever reads a miss
        print(f"soak: {line}", file=sys.stderr)
    what = (
        f"soak: kill -9 at {s.kills} random moments of a {s.calls:,}-call desk run (key"
        f" rotation, time warp; seed {seed}, {seconds:.0f} s)"
    )
    return [
        {
            "figure": f"{what}: journal entries lost, of {len(s.committed):,} reported committed",
            "ours": len(s.lost),
            "reference": 0,
            "ratio": None,
            "target": "0",
            "passed": not s.lost,
        },
        {
            "figure": f"{what}: held tokens no longer refreshing after a restart, of {s.checked:,}",
            "ours": len(s.failed),
            "reference": 0,
            "ratio": None,
            "target": "0",
            "passed": not s.failed and s.checked > 0,
        },
    ]


def main(argv: list[str]) -> int:
    """Print the rows as a table; exit 1 if a target was missed."""
    from tests.benchmarks.__main__ import render

    rows = run(smoke="--smoke" in argv)
    print(render(rows))
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
