"""A session whose identity was handed to a web page is drawn as the client-server guide."""

from __future__ import annotations

from dataclasses import replace

from tests.walkthrough.test_layout import event, exchange
from uid2_desk.journal import JournalEntry
from uid2_desk.walkthrough import Lane, layout

B, P, OP, S = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR, Lane.SSP


def _handed_off_session() -> list[JournalEntry]:
    return [
        exchange(1, "/v2/token/generate", "1-d"),
        event(2, "identity_set", "1-f", outcome="success", summary="stores Jane's identity"),
        event(3, "handed_off", "1-f", summary="The publisher hands Jane's identity to the page"),
        event(4, "browser_report", summary="Browser: identity available",
              detail=(("report", "identity"),)),
        replace(exchange(5, "/v2/token/refresh", "3-b", http_status=204), method="OPTIONS"),
        exchange(6, "/v2/token/refresh", "3-b"),
        event(7, "browser_report", "4-b", summary="Browser: storage cleared",
              detail=(("report", "cleared"),)),
    ]  # fmt: skip


def test_lanes_are_the_client_server_guides() -> None:
    diagram = layout(_handed_off_session())
    assert [c.title for c in diagram.lanes] == [
        "Browser: UID2 client",
        "Publisher server",
        "UID2 operator",
        "SSP",
    ]


def test_the_browser_refreshes_and_clears_with_the_guides_numbers() -> None:
    diagram = layout(_handed_off_session())
    drawn = [(a.step, a.source, a.target) for a in diagram.arrows]
    assert drawn == [
        ("1-d", P, OP),
        ("1-e", OP, P),
        ("1-f", P, B),  # the hand-off, not the server storing it
        ("1-g", B, B),
        ("3-a", B, OP),  # the preflight draws nothing; the refresh runs browser ↔ operator
        ("3-b", OP, B),
        ("4-a", B, P),
        ("4-b", P, B),
    ]
    refresh = diagram.arrows_for(6)[0]
    assert refresh.caption is not None
    assert "browser" in refresh.caption
    assert [n.seq for n in diagram.notes] == [2]  # the server's own storing is a note


def test_a_session_without_a_hand_off_keeps_the_server_only_lanes() -> None:
    diagram = layout([exchange(1, "/v2/token/generate", "1-d")])
    assert diagram.lanes[0].title == "Device (CTV / app)"
