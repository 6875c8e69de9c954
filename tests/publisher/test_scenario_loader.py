"""Scenario files: the shipped ones load; malformed ones are refused naming file and step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from uid2_desk.protocol.errors import ScenarioError
from uid2_desk.publisher.scenario.loader import (
    find_scenario,
    load_all,
    load_scenario,
    parse_scenario,
)
from uid2_desk.publisher.scenario.model import Action, Expectation, LocalFeature

REQUIRED = {
    "server-only",
    "optout-on-generate",
    "optout-on-refresh",
    "phone",
    "user-opts-out-later",
    "expiry",
    "refresh-recovers",
    "bid",
    "client-server",
}


def _doc(**step: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "s1",
        "do": "refresh",
        "caption": {"title": "A step"},
        "expect": {"state": "refreshed"},
    }
    base.update(step)
    if base["expect"] is None:
        del base["expect"]
    return {"name": "x", "title": "X", "step": [base]}


def test_every_required_scenario_ships_and_loads() -> None:
    names = {s.name for s in load_all()}
    assert names >= REQUIRED


def test_every_shipped_step_states_an_expectation() -> None:
    for scenario in load_all():
        for step in scenario.steps:
            assert step.expect != Expectation(), (scenario.name, step.id)


def test_every_shipped_step_has_a_caption_saying_why_it_matters() -> None:
    for scenario in load_all():
        for step in scenario.steps:
            assert step.caption.title, (scenario.name, step.id)
            assert step.caption.why, (scenario.name, step.id)


def test_server_only_is_sign_in_validate_refresh_log_out() -> None:
    scenario = find_scenario("server-only")
    assert [s.action for s in scenario.steps] == [
        Action.SIGN_IN,
        Action.VALIDATE,
        Action.REFRESH,
        Action.LOG_OUT,
    ]
    assert scenario.steps[0].param("value") == "validate@example.com"
    assert scenario.needs == ()


def test_local_only_features_are_derived_from_the_steps() -> None:
    assert find_scenario("refresh-recovers").needs == (LocalFeature.FAULTS, LocalFeature.TIME_WARP)
    assert LocalFeature.ADMIN_OPT_OUT in find_scenario("user-opts-out-later").needs
    assert find_scenario("bid").needs == (LocalFeature.BUYER_KEYS,)


def test_an_unknown_scenario_name_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match="server-only"):
        find_scenario("no-such-thing")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (_doc(do="fly"), "step 1 (s1): unknown action 'fly'"),
        (_doc(do="sign_in", dii="email"), "step 1 (s1): sign_in needs 'value'"),
        (_doc(do="sign_in", dii="fax", value="x"), "dii = 'fax' is not one of"),
        (_doc(colour="red"), "unknown key(s) colour"),
        (_doc(caption={}), "'title' is missing"),
        (_doc(caption=None), "needs a [step.caption]"),
        (_doc(expect=None), "step 1 (s1): every step must say what it expects"),
        (_doc(expect={}), "step 1 (s1): every step must say what it expects"),
        (_doc(expect={"state": "happy"}), "expect.state 'happy' is not one of"),
        (_doc(expect={"http": "200"}), "expect.http must be a whole number"),
        (_doc(expect={"http": True}), "expect.http must be a whole number"),
        (_doc(do="wait"), "exactly one of 'until' or 'seconds'"),
        (_doc(do="wait", seconds=0), "seconds must be a positive number"),
        (_doc(do="fault", fault="latency"), "latency_ms goes with fault = 'latency'"),
        ({"name": "x", "title": "X", "step": []}, "at least one [[step]]"),
    ],
)
def test_schema_violations_name_the_file_and_step(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(doc, source="bad.toml")
    assert "bad.toml" in str(info.value)
    assert message in str(info.value)


def test_duplicate_step_ids_are_refused() -> None:
    doc = _doc()
    doc["step"].append(dict(doc["step"][0]))
    with pytest.raises(ScenarioError, match="step 2: the id 's1' is used twice"):
        parse_scenario(doc, source="dup.toml")


def test_the_name_must_match_the_file(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(
        'name = "x"\ntitle = "X"\n[[step]]\nid = "a"\ndo = "refresh"\n[step.caption]\ntitle = "t"\n'
    )
    with pytest.raises(ScenarioError, match=r"other.toml: name is 'x' but the file is other.toml"):
        load_scenario(path)


def test_invalid_toml_is_reported_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("name = \n")
    with pytest.raises(ScenarioError, match=r"broken\.toml: not valid TOML"):
        load_scenario(path)
