"""Every scenario plays headless through ``python -m uid2_desk run`` and leaves valid evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.cli import desk_env, mermaid_blocks, uid2_desk
from tests.journal.har_schema import har_problems
from tests.walkthrough.mermaid_grammar import mermaid_problems
from uid2_desk.operator import LocalOperator
from uid2_desk.publisher.guides import Guide
from uid2_desk.publisher.scenario import find_scenario, load_all

SCENARIOS = [s.name for s in load_all()]


def test_scenarios_lists_one_line_per_scenario_name_first(tmp_path: Path) -> None:
    result = uid2_desk("scenarios", env=desk_env(tmp_path), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == SCENARIOS
    assert "server-only" in SCENARIOS
    assert any("[local operator: fault injection, time warp]" in line for line in lines)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_passes_headless_with_a_report_and_a_har(tmp_path: Path, name: str) -> None:
    env = desk_env(tmp_path)
    result = uid2_desk(
        "run", name, "--report", "r.md", "--har", "h.har", "--jsonl", "j.jsonl",
        env=env, cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    scenario = find_scenario(name)
    step_lines = [line for line in result.stdout.splitlines() if line[:2] in ("✓ ", "✗ ")]
    assert [line.split(":")[0] for line in step_lines] == [f"✓ {s.id}" for s in scenario.steps]
    assert f"All {len(scenario.steps)} steps held their expectations." in result.stdout
    assert result.stderr == ""

    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"## Scenario `{name}`" in report
    (diagram,) = mermaid_blocks(report)
    assert mermaid_problems(diagram) == []
    if name.startswith("client-side"):  # the device generates, no publisher server
        assert "Device->>Operator: C3-a POST /v2/token/client-generate" in diagram
    else:
        first_call = {
            Guide.SERVER_ONLY: "1-d POST /v2/token/generate",
            Guide.CUSTOM_V1: "3-1 GET /v1/token/generate",
        }[scenario.guide]
        assert f"Publisher->>Operator: {first_call}" in diagram

    har = json.loads((tmp_path / "h.har").read_text(encoding="utf-8"))
    assert har_problems(har) == []
    assert har["log"]["entries"], "a HAR with no exchange"
    jsonl = (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["session"] for line in jsonl)
    # The run used a throw-away data directory, not the desk's own.
    assert not (tmp_path / "desk-home").exists() or not any((tmp_path / "desk-home").iterdir())


def test_a_failed_expectation_exits_1_and_marks_the_step(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    # The desk's operator, in this data directory, already knows Jane opted out.
    with LocalOperator.open(data_dir / "operator") as operator:
        operator.admin.opt_out("email", "jane.doe@example.com")

    result = uid2_desk(
        "run", "bid", "--data-dir", str(data_dir), env=desk_env(tmp_path), cwd=tmp_path
    )

    assert result.returncode == 1
    assert "✗ sign-in: Jane signs in — optout, HTTP 200 → opted_out (expected state " in (
        result.stdout
    )
    assert "2 of 2 steps did not hold their expectations." in result.stdout
    assert (data_dir / "desk.sqlite3").is_file()


def test_an_unknown_scenario_exits_2_and_names_the_known_ones(tmp_path: Path) -> None:
    result = uid2_desk("run", "no-such-scenario", env=desk_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "server-only" in result.stderr


def test_a_remote_environment_without_credentials_exits_2_and_says_how(tmp_path: Path) -> None:
    result = uid2_desk("run", "server-only", "--env", "integ", env=desk_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "UID2_API_KEY" in result.stderr


def test_without_a_keychain_the_cli_offers_only_what_it_can_do(tmp_path: Path) -> None:
    # desk_env selects keyring's "fail" backend: no OS keychain on this machine.
    result = uid2_desk("run", "server-only", "--env", "integ", env=desk_env(tmp_path), cwd=tmp_path)

    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "Set UID2_API_KEY and UID2_SECRET, or install a keychain backend" in line
    assert "session" not in line  # a run cannot keep typed credentials for a session
