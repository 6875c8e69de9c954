"""``uid2-desk operator`` refuses what it cannot use with one clear line and exit status 2.

Run in-process through the real entry point (``uid2_desk.cli.main.main``): every case here ends
before or right after the server starts, so no child process is needed.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from uid2_desk.cli import operator as operator_cli
from uid2_desk.cli.main import build_parser, main


def _one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_a_data_dir_that_is_a_file_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "not-a-directory"
    a_file.write_text("x")

    status = main(["operator", "--port", "0", "--data-dir", str(a_file)])

    out, err = capsys.readouterr()
    assert status == 2
    line = _one_line_error(err)
    assert str(a_file) in line
    assert "--data-dir" in line
    assert "listening" not in out


def test_a_data_dir_below_a_file_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")

    status = main(["operator", "--port", "0", "--data-dir", str(a_file / "state")])

    out, err = capsys.readouterr()
    assert status == 2
    assert "--data-dir" in _one_line_error(err)
    assert "listening" not in out


def test_a_data_dir_with_a_value_the_operator_cannot_read_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import contextlib
    import sqlite3

    from uid2_desk.operator import LocalOperator
    from uid2_desk.operator.state.store import DB_FILENAME

    data_dir = tmp_path / "op"
    LocalOperator.open(data_dir).close()
    with contextlib.closing(sqlite3.connect(data_dir / DB_FILENAME)) as db, db:
        db.execute("UPDATE clients SET roles = 'BOGUS' WHERE name = 'dsp'")

    status = main(["operator", "--port", "0", "--data-dir", str(data_dir)])

    out, err = capsys.readouterr()
    assert status == 2
    line = _one_line_error(err)
    assert "cannot read" in line
    assert "--data-dir" in line
    assert "listening" not in out


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_existing_directory_nobody_can_write_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # /proc refuses new files even to root, which file modes cannot show.
    status = main(["operator", "--port", "0", "--data-dir", "/proc"])

    out, err = capsys.readouterr()
    assert status == 2
    assert "/proc" in _one_line_error(err)
    assert "listening" not in out


def test_an_unwritable_credentials_file_is_refused_before_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    target = a_file / "creds.json"

    status = main(
        [
            "operator",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            "--credentials-out",
            str(target),
        ]
    )

    out, err = capsys.readouterr()
    assert status == 2
    line = _one_line_error(err)
    assert str(target) in line
    assert "--credentials-out" in line
    assert "listening" not in out


def test_a_credentials_path_that_is_a_directory_is_refused_before_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "operator",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            "--credentials-out",
            str(tmp_path),
        ]
    )

    out, err = capsys.readouterr()
    assert status == 2
    assert "--credentials-out" in _one_line_error(err)
    assert "listening" not in out


@pytest.mark.parametrize("port", ["65536", "99999", "-1", "http"])
def test_a_port_outside_0_to_65535_is_a_usage_error(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["operator", "--port", port])

    _, err = capsys.readouterr()
    assert exited.value.code == 2
    assert "--port" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("port", ["0", "65535"])
def test_the_ends_of_the_port_range_are_accepted(port: str) -> None:
    assert build_parser().parse_args(["operator", "--port", port]).port == int(port)


def test_a_credentials_write_failing_after_start_stops_the_server_before_listening_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk filling up between the check and the write: a failure no path can provoke.
    def disk_full(path: Path, document: dict[str, object]) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(operator_cli, "write_credentials", disk_full)
    target = tmp_path / "creds.json"

    status = main(
        [
            "operator",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            "--credentials-out",
            str(target),
        ]
    )

    out, err = capsys.readouterr()
    assert status == 2
    assert "No space left on device" in _one_line_error(err)
    assert "listening" not in out
    assert not target.exists()
