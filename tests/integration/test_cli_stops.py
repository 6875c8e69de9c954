"""``uid2-desk run`` stops with one clear line, never a traceback: bad data directory, Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.cli import desk_env, uid2_desk
from uid2_desk.operator import LocalOperator

#: A scenario whose third step waits two minutes on a slow operator: the moment to press Ctrl-C.
SLOW = """\
name = "slow"
title = "A refresh the operator answers very slowly"
summary = "The local operator takes two minutes to answer the refresh."

[[step]]
id = "sign-in"
do = "sign_in"
dii = "email"
value = "jane@example.com"
[step.caption]
title = "Jane signs in"
[step.expect]
state = "established"

[[step]]
id = "slow-operator"
do = "fault"
fault = "latency"
endpoint = "refresh"
latency_ms = 120000
[step.caption]
title = "The operator becomes very slow"
[step.expect]
exchanges = 0

[[step]]
id = "refresh"
do = "refresh"
[step.caption]
title = "A refresh that takes two minutes"
[step.expect]
state = "refreshed"
"""

#: ``uid2-desk run`` exactly as the console script runs it, but the scenario comes from a file
#: of the test's: the shipped ones all finish in about a second, too fast to interrupt on cue.
RUN_FROM_FILE = """\
import sys
from pathlib import Path

from uid2_desk.cli.main import main
from uid2_desk.cli import run as cli
from uid2_desk.publisher.scenario.loader import load_scenario

path = Path(sys.argv[1])
cli.find_scenario = lambda name: load_scenario(path)
raise SystemExit(main(["run", path.stem, *sys.argv[2:]]))
"""


@pytest.mark.parametrize("where", ["a-file", "a-file/below-it"])
def test_a_data_dir_that_is_a_file_exits_2_with_one_line(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")

    result = uid2_desk(
        "run", "server-only", "--data-dir", str(tmp_path / where),
        env=desk_env(tmp_path), cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"uid2-desk: cannot use {tmp_path / where} as the data directory")
    assert "--data-dir" in line
    assert result.stdout == ""


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a read-only /proc")
def test_a_data_dir_that_cannot_be_created_exits_2_with_one_line(tmp_path: Path) -> None:
    result = uid2_desk(
        "run", "server-only", "--data-dir", "/proc/uid2-desk-data",
        env=desk_env(tmp_path), cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child needs a POSIX system")
@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGINT, 130,
         "uid2-desk: interrupted; the run stopped and the desk closed cleanly."),
        (signal.SIGTERM, 143,
         "uid2-desk: terminated (SIGTERM); the run stopped and the desk closed cleanly."),
    ],
)  # fmt: skip
def test_ctrl_c_or_sigterm_during_a_run_closes_the_desk_and_its_operator_and_says_so(
    tmp_path: Path, signum: signal.Signals, code: int, said: str
) -> None:
    scenario = tmp_path / "slow.toml"
    scenario.write_text(SLOW, encoding="utf-8")
    data_dir = tmp_path / "data"
    run = subprocess.Popen(
        [sys.executable, "-c", RUN_FROM_FILE, str(scenario), "--data-dir", str(data_dir)],
        env=desk_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert run.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while not any(line.startswith("✓ slow-operator") for line in lines):
            assert time.monotonic() < deadline, lines
            line = run.stdout.readline()
            assert line, f"the run ended early: {lines}"
            lines.append(line)
        # The refresh is now waiting on the slow operator.
        run.send_signal(signum)
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()

    assert run.returncode == code, err
    assert err.splitlines() == [said]
    assert "✓ refresh" not in out
    # Closed, not abandoned: no write-ahead log left behind, the request log written out.
    assert sorted(p.name for p in data_dir.rglob("*-wal")) == []
    with LocalOperator.open(data_dir / "operator") as operator:
        served = [r.path for r in operator.admin.served_requests()]
    assert "/v2/token/generate" in served
