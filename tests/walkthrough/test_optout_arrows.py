"""An optout answer is followed by its consequence as the guide draws it: an arrow to the
device (1-f after generate, 3-d after refresh) in the opt-out colour, not a note."""

from __future__ import annotations

import pytest

from tests.walkthrough.test_layout import event, exchange
from uid2_desk.journal import JournalEntry
from uid2_desk.walkthrough import ArrowKind, Lane, LayoutMetrics, layout

D, P, OP = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR
M = LayoutMetrics()


def opted_out(seq: int, call: str, step: str | None) -> JournalEntry:
    """The ``state_changed`` the publisher journals after ``call`` answered optout."""
    cause = f"{call} answered optout"
    return event(
        seq,
        "state_changed",
        step,
        outcome="opted_out",
        summary=f"Jane: Established → Opted out ({cause})",
        detail=(("from", "established"), ("to", "opted_out"), ("cause", cause)),
    )


def test_an_optout_on_refresh_is_followed_by_3d_identity_cleared_in_the_optout_colour() -> None:
    diagram = layout(
        [exchange(1, "/v2/token/refresh", outcome="optout"), opted_out(2, "refresh", "3-d")]
    )

    rows = [(a.seq, a.kind, a.step, a.source, a.target, a.label, a.outcome) for a in diagram.arrows]
    assert rows == [
        (1, ArrowKind.REQUEST, "3-b", P, OP, "3-b POST /v2/token/refresh", "optout"),
        (1, ArrowKind.REPLY, "3-c", OP, P, "3-c 200 optout", "optout"),
        (2, ArrowKind.EVENT, "3-d", P, D, "3-d Identity cleared (opted out)", "optout"),
    ]
    cleared = diagram.arrows[2]
    assert (cleared.x1, cleared.x2, cleared.y) == (370.0, 150.0, M.row_y(2))
    assert diagram.notes == ()
    assert cleared.caption is not None
    assert "optout" in cleared.caption


def test_an_optout_on_generate_is_followed_by_1f_no_identity_in_the_optout_colour() -> None:
    diagram = layout(
        [exchange(1, "/v2/token/generate", outcome="optout"), opted_out(2, "generate", "1-f")]
    )

    [*_, consequence] = diagram.arrows
    assert (consequence.step, consequence.source, consequence.target) == ("1-f", P, D)
    assert consequence.label == "1-f No identity (opted out)"
    assert consequence.outcome == "optout"
    assert consequence.kind is ArrowKind.EVENT
    assert consequence.y == M.row_y(2)
    assert diagram.notes == ()


@pytest.mark.parametrize(
    ("call", "label"),
    [("generate", "1-f No identity (opted out)"), ("refresh", "3-d Identity cleared (opted out)")],
)
def test_a_journal_written_before_the_step_was_recorded_finds_it_from_the_cause(
    call: str, label: str
) -> None:
    [arrow] = layout([opted_out(1, call, None)]).arrows
    assert (arrow.label, arrow.outcome) == (label, "optout")


def test_an_opt_out_with_an_unknown_cause_and_no_step_stays_a_note() -> None:
    entry = event(1, "state_changed", outcome="opted_out", summary="Jane: → Opted out (imported)",
                  detail=(("cause", "imported"),))  # fmt: skip
    diagram = layout([entry])
    assert diagram.arrows == ()
    [note] = diagram.notes
    assert note.lines == ("Jane: → Opted out", "imported")


def test_other_state_changes_at_a_step_keep_the_steps_own_title() -> None:
    [arrow] = layout([event(1, "state_changed", "4-b", outcome="no_identity")]).arrows
    assert (arrow.label, arrow.outcome) == ("4-b Identity cleared", "no_identity")
