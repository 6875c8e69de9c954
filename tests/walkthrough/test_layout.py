"""The layout turns journal entries into lanes, arrows and notes with exact coordinates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.journal.conftest import append_walkthrough
from tests.journal.recorded import Recorded
from uid2_desk.journal import EntryKind, Journal, JournalEntry
from uid2_desk.walkthrough import (
    STEPS,
    Arrow,
    ArrowKind,
    Lane,
    LayoutMetrics,
    Step,
    arrow_at,
    layout,
    note_at,
)

D, P, OP, S = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR, Lane.SSP
M = LayoutMetrics()


def event(
    seq: int,
    name: str,
    step: str | None = None,
    *,
    outcome: str | None = None,
    summary: str = "",
    detail: tuple[tuple[str, str], ...] = (),
    session: str = "s",
) -> JournalEntry:
    """A light event entry, as ``Journal.entries()`` lists it."""
    return JournalEntry(
        seq=seq,
        at_ms=seq,
        kind=EntryKind.EVENT,
        session=session,
        user="jane@example.com",
        environment="local",
        step=step,
        outcome=outcome,
        summary=summary,
        exchange=None,
        detail=detail,
        name=name,
    )


def exchange(
    seq: int,
    endpoint: str,
    step: str | None = None,
    *,
    http_status: int | None = 200,
    outcome: str = "success",
) -> JournalEntry:
    """A light exchange entry, as ``Journal.entries()`` lists it."""
    return JournalEntry(
        seq=seq,
        at_ms=seq,
        kind=EntryKind.EXCHANGE,
        session="s",
        user="jane@example.com",
        environment="local",
        step=step,
        outcome=outcome,
        summary="",
        exchange=None,
        name=endpoint,
        method="POST",
        http_status=http_status,
        duration_ms=10.0,
    )


def _shape(arrows: tuple[Arrow, ...]) -> list[tuple[int, str, str | None, Lane, Lane, str]]:
    return [(a.seq, a.kind.value, a.step, a.source, a.target, a.label) for a in arrows]


def test_lanes_stand_at_even_spacing_from_the_margin() -> None:
    diagram = layout([])
    assert [c.lane for c in diagram.lanes] == [D, P, OP, S]
    assert [c.x for c in diagram.lanes] == [150.0, 370.0, 590.0, 810.0]
    assert diagram.lanes[0].title == "Device (CTV / app)"
    assert diagram.width == 2 * 40.0 + 4 * 220.0
    assert diagram.height == 64.0 + 24.0
    assert diagram.arrows == ()
    assert diagram.notes == ()


def test_a_journal_walkthrough_is_laid_out_step_by_step(tmp_path: Path, recorded: Recorded) -> None:
    with Journal.open(tmp_path / "j.db") as journal:
        w = append_walkthrough(journal, recorded)
        diagram = layout(journal.entries())  # light entries are enough
    assert _shape(diagram.arrows) == [
        (w.sign_in.seq, "event", "1-a", D, P, "1-a User visits"),
        (w.sign_in.seq, "event", "1-b", P, D, "1-b Login request"),
        (w.sign_in.seq, "event", "1-c", D, P, "1-c User authenticates"),
        (w.generate.seq, "request", "1-d", P, OP, "1-d POST /v2/token/generate"),
        (w.generate.seq, "reply", "1-e", OP, P, "1-e 200 success"),
        (w.identity_set.seq, "event", "1-f", P, D, "1-f Identity set"),
        (w.refresh.seq, "request", "3-b", P, OP, "3-b POST /v2/token/refresh"),
        (w.refresh.seq, "reply", "3-c", OP, P, "3-c 200 success"),
        (w.refresh_expired.seq, "request", "3-b", P, OP, "3-b POST /v2/token/refresh"),
        (w.refresh_expired.seq, "reply", "3-c", OP, P, "3-c 400 error"),
        (w.logout.seq, "event", "4-a", D, P, "4-a Logout"),
        (w.optout_generate.seq, "request", "1-d", P, OP, "1-d POST /v2/token/generate"),
        (w.optout_generate.seq, "reply", "1-e", OP, P, "1-e 200 optout"),
        (w.timeout.seq, "request", "1-d", P, OP, "1-d POST /v2/token/generate"),
        (w.timeout.seq, "reply", "1-e", OP, P, "1-e no answer"),
    ]
    assert [(n.seq, n.lane, n.lines) for n in diagram.notes] == [
        (w.state_changed.seq, P, ("No identity → Established",))
    ]
    rows = diagram.rows()
    assert len(rows) == 16
    assert [r.y for r in rows] == [64.0 + 36.0 * (i + 0.5) for i in range(16)]
    assert [r.seq for r in rows] == sorted(r.seq for r in rows)
    assert diagram.height == 64.0 + 36.0 * 16 + 24.0


def test_arrow_ends_sit_on_their_lanes() -> None:
    diagram = layout([exchange(1, "/v2/token/generate", "1-d")])
    request, reply = diagram.arrows
    assert (request.x1, request.x2) == (M.lane_x(P), M.lane_x(OP)) == (370.0, 590.0)
    assert (reply.x1, reply.x2) == (590.0, 370.0)
    assert (request.left, request.right) == (370.0, 590.0)
    assert reply.y - request.y == M.row_height


def test_entries_are_laid_out_in_sequence_order_whatever_order_they_come_in() -> None:
    entries = [event(3, "logout"), event(1, "user_returns"), exchange(2, "/v2/token/refresh")]
    diagram = layout(entries)
    assert [a.seq for a in diagram.arrows] == [1, 2, 2, 3]
    assert [a.y for a in diagram.arrows] == sorted(a.y for a in diagram.arrows)


@pytest.mark.parametrize("s", STEPS, ids=lambda s: s.id)
def test_every_step_can_be_drawn_with_its_lanes_and_label(s: Step) -> None:
    diagram = layout([event(1, "milestone", s.id)])
    [arrow] = diagram.arrows
    assert (arrow.step, arrow.source, arrow.target) == (s.id, s.source, s.target)
    assert arrow.label == f"{s.id} {s.title}"
    assert arrow.caption == s.caption


@pytest.mark.parametrize(
    ("entry", "labels"),
    [
        (exchange(1, "/v2/token/generate"), ["1-d POST /v2/token/generate", "1-e 200 success"]),
        (
            exchange(1, "/v2/token/generate", outcome="optout"),
            ["1-d POST /v2/token/generate", "1-e 200 optout"],
        ),
        (
            exchange(1, "/v2/token/refresh", outcome="optout"),
            ["3-b POST /v2/token/refresh", "3-c 200 optout"],
        ),
        (
            exchange(1, "/v2/token/refresh", http_status=400, outcome="error"),
            ["3-b POST /v2/token/refresh", "3-c 400 error"],
        ),
        (
            exchange(1, "/v2/token/generate", http_status=401, outcome="error"),
            ["1-d POST /v2/token/generate", "1-e 401 error"],
        ),
        (
            exchange(1, "/v2/token/generate", http_status=None, outcome="error"),
            ["1-d POST /v2/token/generate", "1-e no answer"],
        ),
        (exchange(1, "/v2/token/validate"), ["POST /v2/token/validate", "200 success"]),
        (
            exchange(1, "/v2/token/refresh", "3-c"),
            ["3-b POST /v2/token/refresh", "3-c 200 success"],
        ),
    ],
)
def test_exchange_labels_name_the_steps_and_the_outcome(
    entry: JournalEntry, labels: list[str]
) -> None:
    diagram = layout([entry])
    assert [a.label for a in diagram.arrows] == labels
    assert all(a.outcome == entry.outcome for a in diagram.arrows)
    assert all(a.http_status == entry.http_status for a in diagram.arrows)


def test_an_exchange_without_a_step_runs_between_publisher_and_operator() -> None:
    request, reply = layout([exchange(1, "/v2/token/validate")]).arrows
    assert (request.source, request.target, request.step) == (P, OP, None)
    assert (reply.source, reply.target, reply.kind) == (OP, P, ArrowKind.REPLY)


def test_a_one_step_exchange_answers_along_the_same_pair_of_lanes() -> None:
    request, reply = layout([exchange(1, "/openrtb/bid", "2-a")]).arrows
    assert (request.source, request.target, request.label) == (P, S, "2-a POST /openrtb/bid")
    assert (reply.source, reply.target, reply.label) == (S, P, "2-a 200 success")


@pytest.mark.parametrize(
    ("entry", "steps"),
    [
        (event(1, "sign_in_requested"), ["1-a", "1-b", "1-c"]),
        (event(1, "sign_in_requested", "1-b"), ["1-a", "1-b", "1-c"]),
        (event(1, "Sign-In Requested"), ["1-a", "1-b", "1-c"]),
        (event(1, "identity_set", "1-f"), ["1-f"]),
        (event(1, "identity_set", "3-d"), ["3-d"]),
        (event(1, "identity_set"), ["1-f"]),
        (event(1, "bid"), ["2-a", "2-b", "2-c"]),
        (event(1, "user_returns", "3-a"), ["3-a"]),
        (event(1, "logout", "4-a"), ["4-a"]),
        (event(1, "state_changed", "4-b"), ["4-b"]),
        (event(1, "identity_cleared"), ["4-b"]),
    ],
)
def test_events_map_to_steps_through_the_table(entry: JournalEntry, steps: list[str]) -> None:
    diagram = layout([entry])
    assert [a.step for a in diagram.arrows] == steps
    assert diagram.notes == ()


@pytest.mark.parametrize(
    ("entry", "lines"),
    [
        (
            event(1, "state_changed", summary="Established → Refreshed"),
            ("Established → Refreshed",),
        ),
        (event(1, "policy", summary="on demand → automatic"), ("on demand → automatic",)),
        (event(1, "something_new"), ("Something new",)),
        (event(1, "something_new", "9-z"), ("Something new",)),
        (event(1, "time-warp"), ("Time warp",)),
    ],
)
def test_events_that_are_not_steps_become_notes_on_the_publisher_lane(
    entry: JournalEntry, lines: tuple[str, ...]
) -> None:
    diagram = layout([entry])
    assert diagram.arrows == ()
    [note] = diagram.notes
    assert (note.seq, note.lane, note.x) == (1, P, M.lane_x(P))
    assert note.lines == lines


def test_long_note_texts_are_cut_with_an_ellipsis_line_by_line() -> None:
    cause = (("cause", "y" * 300),)
    [note] = layout([event(1, "policy", summary="x" * 500, detail=cause)]).notes
    assert [len(line) for line in note.lines] == [M.max_note_chars, M.max_note_chars]
    assert all(line.endswith("…") for line in note.lines)


def test_a_click_on_an_arrow_selects_it_and_elsewhere_selects_nothing() -> None:
    diagram = layout([event(1, "sign_in_requested"), exchange(2, "/v2/token/generate")])
    for arrow in diagram.arrows:
        middle = (arrow.x1 + arrow.x2) / 2
        assert arrow_at(diagram, middle, arrow.y) == arrow
        # Anywhere in the arrow's row band, and a little past its head.
        assert arrow_at(diagram, middle, arrow.y + M.row_height / 2 - 0.5) == arrow
        assert arrow_at(diagram, arrow.right + M.hit_tolerance - 0.5, arrow.y) == arrow
        assert arrow_at(diagram, arrow.right + M.hit_tolerance + 1, arrow.y) is None
    generate = diagram.arrows_for(2)[0]
    assert arrow_at(diagram, M.lane_x(D), generate.y) is None  # left of the publisher
    assert arrow_at(diagram, 500.0, 10.0) is None  # the header
    assert arrow_at(diagram, 500.0, diagram.height + 100) is None


def test_a_click_on_a_note_selects_it() -> None:
    diagram = layout([event(1, "policy"), event(2, "logout")])
    [note] = diagram.notes
    assert note_at(diagram, note.x + note.width / 2 - 1, note.y) == note
    assert note_at(diagram, note.x + note.width / 2 + 1, note.y) is None
    assert note_at(diagram, note.x, note.y + M.row_height) is None


def test_custom_metrics_scale_every_coordinate() -> None:
    metrics = LayoutMetrics(margin=0, lane_spacing=100, header_height=10, row_height=20)
    diagram = layout([exchange(1, "/v2/token/generate")], metrics=metrics)
    assert [c.x for c in diagram.lanes] == [50.0, 150.0, 250.0, 350.0]
    assert [a.y for a in diagram.arrows] == [20.0, 40.0]
    assert diagram.width == 400.0
    assert diagram.metrics is metrics


def test_arrows_for_lists_what_one_entry_drew() -> None:
    diagram = layout([event(1, "sign_in_requested"), event(2, "policy")])
    assert [a.step for a in diagram.arrows_for(1)] == ["1-a", "1-b", "1-c"]
    assert diagram.arrows_for(2) == ()
    assert diagram.arrows_for(3) == ()
    note = diagram.note_for(2)
    assert note is not None
    assert note.text == "Policy"
    assert diagram.note_for(1) is None


def test_a_long_session_is_laid_out_and_its_arrows_found_by_seq() -> None:
    entries = [
        exchange(i, "/v2/token/refresh") if i % 2 else event(i, "state_changed")
        for i in range(1, 20_001)
    ]
    diagram = layout(entries)
    assert len(diagram.arrows) == 20_000
    assert len(diagram.notes) == 10_000
    assert all(len(diagram.arrows_for(e.seq)) == (2 if e.seq % 2 else 0) for e in entries)
