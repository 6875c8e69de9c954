"""``uid2-desk run`` leaves a session that says a scenario made it, and why each row is there."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.cli import desk_env, uid2_desk


def test_a_played_scenario_is_listed_as_scenario_and_its_rows_name_their_step(
    tmp_path: Path,
) -> None:
    env, data = desk_env(tmp_path), tmp_path / "data"
    played = uid2_desk("run", "server-only", "--data-dir", str(data), env=env, cwd=tmp_path)
    assert played.returncode == 0, played.stderr
    listed = uid2_desk("sessions", "--data-dir", str(data), env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    (line,) = listed.stdout.splitlines()[1:]
    session, _day, _time, producer, exchanges = line.split()
    assert session.split("-")[-1].startswith("scenario")
    assert (producer, exchanges) == ("scenario", "3")
    jsonl = tmp_path / "s.jsonl"
    exported = uid2_desk(
        "export", "--data-dir", str(data), "--jsonl", str(jsonl), env=env, cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    whys = [
        dict(entry["detail"]).get("why")
        for entry in map(json.loads, jsonl.read_text().splitlines())
    ]
    assert whys[0] == "Scenario server-only, step sign-in"
    assert "Scenario server-only, step refresh" in whys
    assert None not in whys
