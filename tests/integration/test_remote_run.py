"""``run`` on a remote environment: credentials from the environment, local-only scenarios skip.

The "remote" operator is our local operator on a loopback port, named by URL (a custom
environment): the desk treats it exactly like a remote one (no time warp, no admin), and the
credentials come from ``UID2_API_KEY`` / ``UID2_SECRET`` like in a CI job.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.cli import desk_env, uid2_desk
from uid2_desk.operator import LocalOperator, OperatorServer


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A loopback operator, its URL, and an environment carrying its publisher credentials."""
    with (
        LocalOperator.open(tmp_path / "operator") as operator,
        OperatorServer(operator) as server,
    ):
        creds = operator.credentials.publisher
        env = desk_env(tmp_path, UID2_API_KEY=creds.api_key, UID2_SECRET=creds.secret)
        yield server.base_url, env


def test_server_only_runs_against_a_remote_operator_with_env_credentials(
    tmp_path: Path, remote: tuple[str, dict[str, str]]
) -> None:
    url, env = remote
    result = uid2_desk("run", "server-only", "--env", url, "--har", "h.har", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Environment: Custom ({url}) at {url}" in result.stdout
    assert "All 4 steps held their expectations." in result.stdout


def test_a_scenario_needing_the_local_operator_is_skipped_with_exit_3(
    tmp_path: Path, remote: tuple[str, dict[str, str]]
) -> None:
    url, env = remote
    result = uid2_desk("run", "user-opts-out-later", "--env", url, env=env, cwd=tmp_path)

    assert result.returncode == 3
    assert "skipped: this scenario needs the local operator (time warp, admin opt-out)" in (
        result.stdout
    )


def test_wrong_remote_credentials_fail_the_first_step(
    tmp_path: Path, remote: tuple[str, dict[str, str]]
) -> None:
    url, env = remote
    env["UID2_API_KEY"] = "UID2-C-L-999-wrong.key"
    result = uid2_desk("run", "server-only", "--env", url, env=env, cwd=tmp_path)

    assert result.returncode == 1
    first = next(line for line in result.stdout.splitlines() if line.startswith("✗ sign-in"))
    assert "HTTP 401" in first
    assert "wrong.key" not in result.stdout + result.stderr
