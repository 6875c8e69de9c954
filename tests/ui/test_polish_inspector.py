"""The inspector's clock skew says how far to trust it: milliseconds from an envelope
timestamp, whole seconds ±1 s from the ``Date`` header (a refresh reply has no timestamp).

The exchanges are the real local operator's, recorded once per session by
:mod:`tests.journal.recorded` (demo lifetimes, 600 ms of simulated latency).
"""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from tests.journal.recorded import Recorded, recorded
from uid2_desk.journal import EntryKind, JournalEntry
from uid2_desk.protocol.exchange import Exchange, Timings
from uid2_desk.ui.log.exchange_inspector import ExchangeInspector
from uid2_desk.ui.log.inspector_pages import skew_text

__all__ = ["recorded"]  # the session fixture, imported to be found here

DATE_NOTE = "(±1 s: from the reply's Date header)"


def _entry(exchange: Exchange, step: str) -> JournalEntry:
    return JournalEntry(
        seq=7,
        at_ms=exchange.started_ms,
        kind=EntryKind.EXCHANGE,
        session="s",
        user="jane.doe@example.com",
        environment="local",
        step=step,
        outcome="success",
        summary="",
        exchange=exchange,
        name="/v2/token/refresh" if step == "3-b" else "/v2/token/generate",
        method="POST",
        http_status=exchange.http_status,
        duration_ms=exchange.timings.total_ms,
    )


def _summary_skew(qtbot: QtBot, entry: JournalEntry) -> str:
    inspector = ExchangeInspector()
    qtbot.addWidget(inspector)
    inspector.show_entry(entry)
    lines = inspector.tab_text("Summary").splitlines()  # a table: one cell per line
    return lines[lines.index("Clock skew") + 1]


def test_a_refresh_replys_skew_is_whole_seconds_from_the_date_header(
    qtbot: QtBot, recorded: Recorded
) -> None:
    refresh = recorded.refresh
    assert refresh.server_time_ms is None  # a refresh reply carries no timestamp
    assert refresh.clock_skew_resolution_ms == 1000

    assert _summary_skew(qtbot, _entry(refresh, "3-b")) == f"+1 s {DATE_NOTE}"


def test_a_desk_clock_one_more_second_behind_shows_plus_two_seconds(recorded: Recorded) -> None:
    # The operator's Date is fixed by its own clock; the desk sent the request 1 s earlier
    # by its clock, so the skew grows by that second.
    behind = replace(recorded.refresh, started_ms=recorded.refresh.started_ms - 1000)
    assert skew_text(behind) == f"+2 s {DATE_NOTE}"


def test_an_envelope_timestamp_gives_the_skew_to_the_millisecond_without_the_date_note(
    qtbot: QtBot, recorded: Recorded
) -> None:
    # The recorded round trip is real, so its length follows the machine's load (a loaded
    # machine, or coverage measuring, made it 3 ms); pinned here at 2 ms, hence ± 1 ms.
    generate = replace(recorded.generate, timings=Timings(total_ms=2.0))
    assert generate.clock_skew_resolution_ms == 1

    assert (
        _summary_skew(qtbot, _entry(generate, "1-d")) == "+1.2 s ± 1 ms (mid-way of the round trip)"
    )


def test_no_answer_shows_no_skew(recorded: Recorded) -> None:
    assert recorded.timeout.clock_skew_ms is None
    assert skew_text(recorded.timeout) is None


def test_the_timings_tab_adds_up_to_the_total_with_what_was_blocked() -> None:
    """Issue 16: Connect 100 + Send 7 + Wait 13 + Receive 3 were shown with a Total of 244."""
    from uid2_desk.protocol.exchange import Exchange, Timings
    from uid2_desk.ui.log.inspector_pages import timings_html

    exchange = Exchange(
        endpoint="/v2/token/generate",
        url="http://operator.test/v2/token/generate",
        started_ms=0,
        timings=Timings(
            total_ms=244.0, connect_ms=100.0, send_ms=7.0, wait_ms=13.0, receive_ms=3.0
        ),
    )
    html = timings_html(exchange)
    assert "<b>Blocked</b></td><td>121.0 ms" in html
    assert "<b>Total</b></td><td>244.0 ms" in html
