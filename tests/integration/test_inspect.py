"""``uid2-desk inspect TOKEN``: any token's header, and the contents of the local operator's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.cli import desk_env, uid2_desk


def _token_from_a_run(tmp_path: Path) -> str:
    """An advertising token the data directory's local operator issued (a scenario's report)."""
    report = tmp_path / "r.md"
    run = uid2_desk(
        "run", "server-only", "--data-dir", str(tmp_path / "data"), "--jsonl", str(report),
        env=desk_env(tmp_path), cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr

    for line in report.read_text().splitlines():
        entry = json.loads(line)
        reply = (entry.get("exchange") or {}).get("response_plaintext") or ""
        if '"advertising_token"' in reply:
            token: str = json.loads(reply)["body"]["advertising_token"]
            return token
    raise AssertionError("no advertising token in the run")


def test_a_local_token_shows_its_header_and_its_contents(tmp_path: Path) -> None:
    token = _token_from_a_run(tmp_path)
    result = uid2_desk(
        "inspect", token, "--data-dir", str(tmp_path / "data"), env=desk_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Version:        v4" in out
    assert "Scope:          UID2" in out
    assert "Identity type:  email" in out
    assert "Raw UID:        " in out
    assert "Site id:        999" in out
    assert "Privacy bits:   0x1" in out


def test_a_token_of_another_operator_stays_closed_and_says_why(tmp_path: Path) -> None:
    token = _token_from_a_run(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    uid2_desk(
        "run", "server-only", "--data-dir", str(elsewhere), env=desk_env(tmp_path), cwd=tmp_path
    )
    result = uid2_desk(
        "inspect", token, "--data-dir", str(elsewhere), env=desk_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0
    assert "Contents:       closed (" in result.stdout


@pytest.mark.parametrize("text", ["abc", "not a token at all", ""])
def test_text_that_is_no_token_is_refused_with_exit_2(text: str, tmp_path: Path) -> None:
    result = uid2_desk("inspect", text, env=desk_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("uid2-desk inspect: this is not an advertising token")
    assert "Traceback" not in result.stderr
