"""A malformed or empty ``--env`` is refused with one line and exit 2, never a traceback.

Reproductions from the attack review (issue 16): ``--env 'http://[::1'`` crashed with a
traceback and ``--env ''`` silently ran on the local operator.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.cli import desk_env, uid2_desk
from uid2_desk.client.environments import Environment
from uid2_desk.protocol.errors import InputError


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("http://[::1", "is not a valid URL"),
        ("http://operator.test:99999", "invalid port number"),
        ("", "--env is empty"),
        ("   ", "--env is empty"),
    ],
)
def test_a_bad_environment_value_is_an_input_error(value: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        Environment.from_cli(value)


@pytest.mark.parametrize("value", ["http://[::1", ""])
def test_run_says_what_is_wrong_with_env_and_exits_2(value: str, tmp_path: Path) -> None:
    result = uid2_desk("run", "server-only", "--env", value, env=desk_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("uid2-desk: ")
    assert "Traceback" not in result.stderr
    assert "All 4 steps held" not in result.stdout
