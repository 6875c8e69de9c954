"""The custom publisher guide (v1) is drawn with its own step numbers and its GET requests.

The scenario ``legacy-v1`` is played on the in-process local operator opened with
``legacy_v1``; its real journal is laid out (no hand-made entries).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.walkthrough.mermaid_grammar import mermaid_problems
from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.guides import Guide
from uid2_desk.publisher.scenario import ScenarioPlayer, find_scenario
from uid2_desk.services import OperatorMode, open_services
from uid2_desk.walkthrough import Lane, layout, to_mermaid
from uid2_desk.walkthrough.custom_guide import CUSTOM_STEPS, guide_step

START_MS = 1_790_000_000_000


async def _played(tmp_path: Path) -> list[JournalEntry]:
    services = await open_services(
        tmp_path,
        operator_mode=OperatorMode.IN_PROCESS,
        clock=ManualClock(START_MS),
        lifetimes="demo",
        returning=False,
        guide=Guide.CUSTOM_V1,
    )
    try:
        player = ScenarioPlayer(find_scenario("legacy-v1"), services.stage())
        assert await player.play(), [r.line() for r in player.results if not r.held]
        return await services.journal.entries(limit=None)
    finally:
        await services.aclose()


@pytest.mark.asyncio
async def test_the_diagram_carries_the_guides_numbers_in_its_order(tmp_path: Path) -> None:
    diagram = layout(await _played(tmp_path))
    labels = [a.label for a in diagram.arrows]
    jane = labels[: labels.index("6 User logout") + 1]
    assert [label for label in jane if not label.startswith("buyer keys")] == [
        "1 Visits",
        "2 Authenticates",
        "3-1 GET /v1/token/generate",
        "3-2 200 success",
        "4-1 Calling SSP for ads",
        "4-2 Ads displayed to user",
        "5-1 Revisits publisher",
        "5-2 GET /v1/token/refresh",
        "5-2 200 success",
        "6 User logout",
    ]
    # The buyer's key fetch is drawn after the token reaches the SSP, as in today's guide.
    assert labels[labels.index("4-1 Calling SSP for ads") + 1].startswith("buyer keys")
    assert "5-2 200 optout" in labels
    assert not [a for a in diagram.arrows if a.step in {"1-d", "1-f", "3-b", "3-d", "4-a"}]


@pytest.mark.asyncio
async def test_storing_and_deleting_tokens_are_notes_not_arrows(tmp_path: Path) -> None:
    diagram = layout(await _played(tmp_path))
    notes = [" ".join(n.lines) for n in diagram.notes]
    assert any("stores jane.doe@example.com's new identity" in n for n in notes)
    assert any("user logged out" in n for n in notes)
    assert any("refresh answered optout" in n for n in notes)


@pytest.mark.asyncio
async def test_the_mermaid_text_is_valid_and_names_the_get_requests(tmp_path: Path) -> None:
    text = to_mermaid(layout(await _played(tmp_path)))
    assert mermaid_problems(text) == []
    assert "Publisher->>Operator: 3-1 GET /v1/token/generate" in text
    assert "Operator-->>Publisher: 3-2 200 success" in text
    assert "Publisher->>Operator: 5-2 GET /v1/token/refresh" in text
    assert "Device->>Publisher: 6 User logout" in text


def test_every_custom_step_says_what_v2_changed_or_kept() -> None:
    for found in CUSTOM_STEPS:
        assert "v2" in found.caption, found.id
    generate, refresh = guide_step("3-1"), guide_step("5-2")
    assert generate is not None
    assert "in the URL" in generate.caption
    assert "sealed in an encrypted envelope" in generate.caption
    assert refresh is not None
    assert "refresh_response_key" in refresh.caption
    assert (generate.source, generate.target) == (Lane.PUBLISHER, Lane.OPERATOR)


def test_the_two_guides_numbers_do_not_overlap() -> None:
    custom = {s.id for s in CUSTOM_STEPS}
    today = guide_step("1-d")
    assert today is not None
    assert today.title == "DII to generate"
    assert not custom & {"1-a", "1-b", "1-c", "1-d", "1-e", "1-f", "2-a", "3-a", "4-a"}


@pytest.mark.asyncio
async def test_the_v1_server_only_guide_keeps_todays_numbers_with_its_own_words(
    tmp_path: Path,
) -> None:
    services = await open_services(
        tmp_path,
        operator_mode=OperatorMode.IN_PROCESS,
        clock=ManualClock(START_MS),
        returning=False,
        guide=Guide.SERVER_ONLY_V1,
    )
    try:
        snap = await services.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
        await services.publisher.refresh(snap.user.id)
        entries = await services.journal.entries(limit=None)
    finally:
        await services.aclose()
    diagram = layout(entries)
    by_label = {a.label: a for a in diagram.arrows}
    assert "1-d GET /v1/token/generate" in by_label
    assert "3-b GET /v1/token/refresh" in by_label
    for label in ("1-d GET /v1/token/generate", "1-e 200 success", "3-c 200 success"):
        caption = by_label[label].caption
        assert caption is not None
        assert "v2 changed this" in caption, label
    assert "plain JSON" in (by_label["1-e 200 success"].caption or "")
    # Steps without a call read as today's guide.
    assert by_label["1-a User visits"].caption == guide_step("1-a").caption  # type: ignore[union-attr]
