"""``uid2-desk run legacy-v1 --report r.md`` plays the original custom publisher guide.

Run as a CI job would (``python -m uid2_desk`` in a subprocess): the desk opens its local
operator with the v1 routes, and the report's diagram carries the guide's own step numbers
and the GET requests; a remote environment skips the scenario (exit 3) with the reason.
"""

from __future__ import annotations

from pathlib import Path

from tests.integration.cli import desk_env, mermaid_blocks, uid2_desk
from tests.walkthrough.mermaid_grammar import mermaid_problems


def test_the_report_diagram_carries_the_custom_guides_steps_and_gets(tmp_path: Path) -> None:
    result = uid2_desk("run", "legacy-v1", "--report", "r.md", env=desk_env(tmp_path), cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "All 8 steps held their expectations." in result.stdout
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    (diagram,) = mermaid_blocks(report)
    assert mermaid_problems(diagram) == []
    for line in (
        "Device->>Publisher: 1 Visits",
        "Device->>Publisher: 2 Authenticates",
        "Publisher->>Operator: 3-1 GET /v1/token/generate",
        "Operator-->>Publisher: 3-2 200 success",
        "Publisher->>SSP: 4-1 Calling SSP for ads",
        "Publisher->>Device: 4-2 Ads displayed to user",
        "Device->>Publisher: 5-1 Revisits publisher",
        "Publisher->>Operator: 5-2 GET /v1/token/refresh",
        "Operator-->>Publisher: 5-2 200 optout",
        "Device->>Publisher: 6 User logout",
    ):
        assert f"    {line}\n" in diagram + "\n", line
    assert "/v2/token/" not in diagram  # the publisher made no v2 call
    # Each v1 call's record says what v2 changed.
    assert "v2 seals it in an encrypted envelope" in report
    assert "GET http" in report
    assert "/v1/token/generate?email=jane.doe%40example.com" in report


def test_on_a_remote_environment_the_scenario_is_skipped_with_the_reason(tmp_path: Path) -> None:
    env = desk_env(tmp_path, UID2_API_KEY="UID2-C-I-1-abc", UID2_SECRET="c2VjcmV0" * 5 + "Zg==")
    result = uid2_desk("run", "legacy-v1", "--env", "integ", env=env, cwd=tmp_path)

    assert result.returncode == 3, result.stdout + result.stderr
    assert "only the local operator still serves" in result.stdout
