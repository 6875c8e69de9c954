"""``uid2-desk operator`` as a user runs it: a real process, the official SDK, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.process_lines import Lines


def _operator(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "uid2_desk", "operator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    creds = tmp_path / "out" / "creds.json"
    proc = _operator(
        "--port", "0", "--credentials-out", str(creds), "--data-dir", str(tmp_path / "d")
    )
    try:
        yield proc, creds
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_standalone_operator_serves_the_sdk_and_stops_cleanly_on_ctrl_c(
    running: tuple[subprocess.Popen[str], Path],
) -> None:
    proc, creds_path = running
    lines = Lines(proc)
    url = lines.wait_for(r"listening on (http://127\.0\.0\.1:\d+)").group(1)
    lines.wait_for(r"credentials written")
    creds = json.loads(creds_path.read_text())
    publisher = creds["publisher"]

    client = Uid2PublisherClient(creds["base_url"], publisher["api_key"], publisher["secret"])
    generated = client.generate_token(TokenGenerateInput.from_email("cli@example.com"))
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 0
    out = "".join(lines.seen) + lines.rest()
    err = proc.stderr.read() if proc.stderr else ""

    assert generated.is_success()
    assert creds["base_url"] == url
    assert set(creds) >= {"base_url", "publisher", "dsp", "sharer"}
    assert set(publisher) == {"api_key", "secret", "site_id"}
    assert set(creds["dsp"]) == set(creds["sharer"]) == {"api_key", "secret"}
    assert stat.S_IMODE(creds_path.stat().st_mode) == 0o600
    assert "stopped" in out
    for name in ("publisher", "dsp", "sharer"):
        assert creds[name]["api_key"] not in out + err
        assert creds[name]["secret"] not in out + err


def test_standalone_operator_refuses_a_non_loopback_host_without_allow_remote(
    tmp_path: Path,
) -> None:
    proc = _operator("--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path))
    _, err = proc.communicate(timeout=30)

    assert proc.returncode == 2
    assert "--allow-remote" in err


def test_standalone_operator_refuses_lifetimes_out_of_order(tmp_path: Path) -> None:
    proc = _operator(
        "--lifetimes",
        "demo",
        "--identity-lifetime",
        "10",
        "--port",
        "0",
        "--data-dir",
        str(tmp_path),
    )
    _, err = proc.communicate(timeout=30)

    assert proc.returncode == 2
    assert "refresh_from <= identity <= refresh" in err


def test_standalone_operator_stops_on_sigterm_too(tmp_path: Path) -> None:
    proc = _operator("--port", "0", "--data-dir", str(tmp_path), "--lifetimes", "demo")
    try:
        Lines(proc).wait_for(r"listening on http://")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    assert proc.returncode == 0, err


def test_without_credentials_out_the_operator_says_how_to_get_working_keys(
    tmp_path: Path,
) -> None:
    proc = _operator("--port", "0", "--data-dir", str(tmp_path))
    try:
        lines = Lines(proc)
        lines.wait_for(r"listening on http://")
        lines.wait_for(r"Press Ctrl-C")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    hints = [line for line in lines.seen if "--credentials-out" in line]

    assert len(hints) == 1
    assert "UID2-C-" not in "".join(lines.seen)
