"""The catalogue holds the server-only guide's steps, each with its lanes and a plain caption."""

from __future__ import annotations

import pytest

from uid2_desk.walkthrough import PHASE_TITLES, STEPS, Lane, Step, step

D, P, OP, S = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR, Lane.SSP

GUIDE = [
    ("1-a", D, P),
    ("1-b", P, D),
    ("1-c", D, P),
    ("1-d", P, OP),
    ("1-e", OP, P),
    ("1-f", P, D),
    ("2-a", P, S),
    ("2-b", S, P),
    ("2-c", P, D),
    ("3-a", D, P),
    ("3-b", P, OP),
    ("3-c", OP, P),
    ("3-d", P, D),
    ("4-a", D, P),
    ("4-b", P, D),
]


def test_the_catalogue_lists_the_guide_steps_in_order_with_their_lanes() -> None:
    assert [(s.id, s.source, s.target) for s in STEPS] == GUIDE


def test_lanes_are_named_as_the_walkthrough_shows_them() -> None:
    assert [lane.title for lane in Lane] == [
        "Device (CTV / app)",
        "Publisher server",
        "UID2 operator",
        "SSP",
    ]
    assert [int(lane) for lane in Lane] == [0, 1, 2, 3]


@pytest.mark.parametrize("s", STEPS, ids=lambda s: s.id)
def test_every_step_has_a_title_and_a_caption_in_whole_sentences(s: Step) -> None:
    assert s.title
    assert s.title[0].isupper()
    assert len(s.caption) >= 40
    assert s.caption.endswith(".")
    assert s.caption[0].isupper()


def test_steps_are_found_by_id_and_belong_to_a_phase() -> None:
    found = step("3-c")
    assert found is not None
    assert found.title == "New tokens (or opt-out)"
    assert found.phase == 3
    assert step("5-a") is None
    assert len(PHASE_TITLES) == 4
    assert {s.phase for s in STEPS} == {1, 2, 3, 4}


def test_the_generate_step_explains_what_happens_for_a_newcomer() -> None:
    generate = step("1-d")
    assert generate is not None
    assert "/v2/token/generate" in generate.caption
    assert "encrypted" in generate.caption
