"""A note reads like a caption: what happened on the first line, why on the second, and never
a raw event name; the entry keeps the full detail for the log and the inspector."""

from __future__ import annotations

import pytest

from tests.walkthrough.test_layout import event
from uid2_desk.journal import JournalEntry
from uid2_desk.walkthrough import Lane, layout, note_lines


def state_changed(summary: str, cause: str) -> JournalEntry:
    """A state change as the publisher journals it: the cause in the summary and the detail."""
    return event(
        1,
        "state_changed",
        outcome="established",
        summary=summary,
        detail=(("from", "no_identity"), ("to", "established"), ("cause", cause)),
    )


def test_a_state_change_says_who_moved_where_then_why_on_its_own_line() -> None:
    entry = state_changed(
        "Jane: No identity → Established (generate answered success)", "generate answered success"
    )

    [note] = layout([entry]).notes

    assert note.lines == ("Jane: No identity → Established", "generate answered success")
    assert note.text == "Jane: No identity → Established — generate answered success"
    assert entry.summary.endswith("(generate answered success)")  # the log keeps it all


@pytest.mark.parametrize(
    ("entry", "lines"),
    [
        (
            state_changed(
                "Jane: Established → Refresh due (refresh_from reached)", "refresh_from reached"
            ),
            ("Jane: Established → Refresh due", "refresh_from reached"),
        ),
        (
            event(1, "policy", summary="Jane: refresh policy Manual → Automatic"),
            ("Jane: refresh policy Manual → Automatic",),
        ),
        (
            event(1, "user_opted_out", summary="Jane opts out of UID2 (the operator records it)"),
            ("Jane opts out of UID2 (the operator records it)",),
        ),
        (
            event(1, "operator_fault", summary="The local operator answers normally again"),
            ("The local operator answers normally again",),
        ),
        (
            event(1, "refused", outcome="error", summary="That identity was issued by integ."),
            ("Call refused", "That identity was issued by integ."),
        ),
        (event(1, "time_warp"), ("Time warp",)),
    ],
    ids=["time-driven state", "policy", "admin opt-out", "fault", "refusal", "no summary"],
)
def test_every_kind_of_note_reads_without_its_event_name(
    entry: JournalEntry, lines: tuple[str, ...]
) -> None:
    [note] = layout([entry]).notes
    assert note.lines == lines
    assert f"{entry.name}:" not in note.text  # not the raw "name: summary" dump


def test_notes_of_the_operators_doings_sit_on_its_lane() -> None:
    diagram = layout([event(1, "user_opted_out", summary="x"), event(2, "operator_fault")])
    assert [n.lane for n in diagram.notes] == [Lane.OPERATOR, Lane.OPERATOR]


def test_a_summary_without_the_cause_at_its_end_is_kept_whole() -> None:
    entry = state_changed("Jane moved on", "user logged out")
    assert note_lines(entry, 80) == ("Jane moved on", "user logged out")


def test_whitespace_and_line_breaks_in_a_summary_are_folded() -> None:
    assert note_lines(event(1, "policy", summary="a\n  b\tc"), 80) == ("a b c",)
