"""What the real publisher journals is drawn as the guide draws it: scenarios played on the
in-process local operator, their journal laid out (no hand-made entries)."""

from __future__ import annotations

from pathlib import Path

import pytest

from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher.scenario import ScenarioPlayer, find_scenario
from uid2_desk.services import OperatorMode, open_services
from uid2_desk.walkthrough import Arrow, Diagram, Lane, layout, to_mermaid

START_MS = 1_790_000_000_000
RAW_EVENT_NAMES = (
    "state_changed",
    "policy",
    "refused",
    "user_opted_out",
    "operator_fault",
    "sign_in_requested",
    "identity_set",
    "user_returns",
    "logout",
    "bid",
)


async def _played(tmp_path: Path, name: str) -> list[JournalEntry]:
    services = await open_services(
        tmp_path,
        operator_mode=OperatorMode.IN_PROCESS,
        clock=ManualClock(START_MS),
        lifetimes="demo",
        returning=False,
    )
    try:
        player = ScenarioPlayer(find_scenario(name), services.stage())
        assert await player.play(), [r.line() for r in player.results if not r.held]
        return await services.journal.entries(limit=None)
    finally:
        await services.aclose()


def _labels(diagram: Diagram) -> list[str]:
    return [a.label for a in diagram.arrows]


def _after(diagram: Diagram, label: str) -> Arrow:
    """The arrow drawn right after the (first) arrow labelled ``label``."""
    index = _labels(diagram).index(label)
    return diagram.arrows[index + 1]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("scenario", "answer", "consequence"),
    [
        ("optout-on-generate", "1-e 200 optout", "1-f No identity (opted out)"),
        ("optout-on-refresh", "3-c 200 optout", "3-d Identity cleared (opted out)"),
        ("user-opts-out-later", "3-c 200 optout", "3-d Identity cleared (opted out)"),
    ],
)
async def test_an_optout_answer_is_followed_by_its_consequence_arrow_to_the_device(
    tmp_path: Path, scenario: str, answer: str, consequence: str
) -> None:
    diagram = layout(await _played(tmp_path, scenario))

    arrow = _after(diagram, answer)

    assert (arrow.label, arrow.source, arrow.target) == (consequence, Lane.PUBLISHER, Lane.DEVICE)
    assert arrow.outcome == "optout"
    assert not any("Opted out" in n.text for n in diagram.notes)  # an arrow, not a note
    assert f"Publisher->>Device: {consequence}" in to_mermaid(diagram)


@pytest.mark.asyncio
async def test_the_buyers_key_fetch_is_drawn_ssp_to_operator_after_the_token_reaches_the_ssp(
    tmp_path: Path,
) -> None:
    diagram = layout(await _played(tmp_path, "bid"))

    labels = _labels(diagram)
    start = labels.index("2-a Token to the SSP")
    assert labels[start : start + 5] == [
        "2-a Token to the SSP",
        "buyer keys: POST /v2/key/bidstream",
        "buyer keys: 200 success",
        "2-b Ads returned",
        "2-c Ads shown",
    ]
    keys = diagram.arrows[start + 1]
    assert (keys.source, keys.target) == (Lane.SSP, Lane.OPERATOR)


@pytest.mark.asyncio
@pytest.mark.parametrize("scenario", ["server-only", "refresh-recovers", "user-opts-out-later"])
async def test_the_publishers_notes_read_as_captions_without_raw_event_names(
    tmp_path: Path, scenario: str
) -> None:
    diagram = layout(await _played(tmp_path, scenario))

    assert diagram.notes
    for note in diagram.notes:
        assert 1 <= len(note.lines) <= 2
        assert not note.text.startswith(RAW_EVENT_NAMES), note.text
        assert all(line and line == line.strip() for line in note.lines)
    state_notes = [n for n in diagram.notes if "→" in n.lines[0] and len(n.lines) == 2]
    assert state_notes  # "who: from → to" over its cause
    assert not any(n.lines[0].endswith(")") for n in state_notes)  # the cause said only once
