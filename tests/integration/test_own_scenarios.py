"""A team's own scenario file plays like a shipped one, and is validated as strictly.

Reproductions from the new-user review (issue 16): ``uid2-desk run path/to/my-flow.toml``
refused the path, and ``seconds = 10**18`` was accepted and failed later.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.cli import desk_env, uid2_desk
from uid2_desk.protocol.errors import ScenarioError
from uid2_desk.publisher.scenario.loader import find_scenario

MY_FLOW = """
name = "my-flow"
title = "Our own sign-in, then a refresh a minute later"

[[step]]
id = "sign-in"
do = "sign_in"
dii = "email"
value = "qa+1@example.com"
[step.caption]
title = "Our QA user signs in"
[step.expect]
status = "success"

[[step]]
id = "later"
do = "wait"
seconds = 60
[step.caption]
title = "A minute passes"
[step.expect]
state = "established"

[[step]]
id = "refresh"
do = "refresh"
[step.caption]
title = "The publisher refreshes"
[step.expect]
status = "success"
"""


def test_a_scenario_file_of_our_own_plays_from_its_path(tmp_path: Path) -> None:
    flow = tmp_path / "flows" / "our-flow.toml"  # the file's name need not be the scenario's
    flow.parent.mkdir()
    flow.write_text(MY_FLOW)
    result = uid2_desk("run", str(flow), env=desk_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Scenario my-flow: Our own sign-in" in result.stdout
    assert "All 3 steps held their expectations." in result.stdout


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("seconds = 1000000000000000000", "seconds = 1000000000000000000 is more than 86400"),
        ("seconds = -5", "seconds must be a positive number"),
    ],
)
def test_an_absurd_wait_is_refused_when_the_file_is_loaded(
    tmp_path: Path, line: str, words: str
) -> None:
    flow = tmp_path / "absurd.toml"
    flow.write_text(MY_FLOW.replace("seconds = 60", line))
    with pytest.raises(ScenarioError, match=words):
        find_scenario(str(flow))
    result = uid2_desk("run", str(flow), env=desk_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "step 2" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_scenario_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no scenario file"):
        find_scenario(str(tmp_path / "nope.toml"))
