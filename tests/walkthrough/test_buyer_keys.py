"""The buyer's key fetch is drawn between the SSP and the operator, after the token reaches
the SSP (2-a): it is the buyer behind the SSP getting keys to decrypt it, not the publisher."""

from __future__ import annotations

import pytest

from tests.walkthrough.test_layout import event, exchange
from uid2_desk.journal import JournalEntry
from uid2_desk.walkthrough import ArrowKind, Lane, LayoutMetrics, arrow_at, layout, to_mermaid

D, P, OP, S = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR, Lane.SSP
M = LayoutMetrics()


def _rows(entries: list[JournalEntry]) -> list[tuple[int, str | None, Lane, Lane, str, float]]:
    return [(a.seq, a.step, a.source, a.target, a.label, a.y) for a in layout(entries).arrows]


@pytest.mark.parametrize("endpoint", ["/v2/key/bidstream", "/v2/key/sharing"])
def test_a_buyer_key_exchange_runs_between_the_ssp_and_the_operator_labelled_plainly(
    endpoint: str,
) -> None:
    request, reply = layout([exchange(1, endpoint)]).arrows
    assert (request.source, request.target, request.kind) == (S, OP, ArrowKind.REQUEST)
    assert (reply.source, reply.target, reply.kind) == (OP, S, ArrowKind.REPLY)
    assert request.label == f"buyer keys: POST {endpoint}"
    assert reply.label == "buyer keys: 200 success"
    assert (request.step, reply.step) == (None, None)  # the guide numbers no step for it
    assert (request.x1, request.x2) == (810.0, 590.0)


def test_the_key_fetch_before_a_bid_is_drawn_after_the_token_reaches_the_ssp() -> None:
    keys = exchange(1, "/v2/key/bidstream")
    bid = event(2, "bid", "2-a", outcome="success")

    assert _rows([keys, bid]) == [
        (2, "2-a", P, S, "2-a Token to the SSP", M.row_y(0)),
        (1, None, S, OP, "buyer keys: POST /v2/key/bidstream", M.row_y(1)),
        (1, None, OP, S, "buyer keys: 200 success", M.row_y(2)),
        (2, "2-b", S, P, "2-b Ads returned", M.row_y(3)),
        (2, "2-c", P, D, "2-c Ads shown", M.row_y(4)),
    ]


def test_each_entry_still_finds_its_own_arrows_and_a_click_selects_them() -> None:
    diagram = layout([exchange(1, "/v2/token/generate"), exchange(2, "/v2/key/bidstream"),
                      event(3, "bid", "2-a"), event(4, "logout", "4-a")])  # fmt: skip

    assert [a.label for a in diagram.arrows_for(2)] == [
        "buyer keys: POST /v2/key/bidstream",
        "buyer keys: 200 success",
    ]
    assert [a.step for a in diagram.arrows_for(3)] == ["2-a", "2-b", "2-c"]
    assert [a.y for a in diagram.arrows] == [M.row_y(i) for i in range(8)]
    for arrow in diagram.arrows:
        assert arrow_at(diagram, (arrow.x1 + arrow.x2) / 2, arrow.y) == arrow
    assert [a.y for a in diagram.rows()] == sorted(a.y for a in diagram.rows())


def test_the_reports_mermaid_has_the_same_order() -> None:
    text = to_mermaid(layout([exchange(1, "/v2/key/bidstream"), event(2, "bid", "2-a")]))
    assert text.splitlines()[5:9] == [
        "    Publisher->>SSP: 2-a Token to the SSP",
        "    SSP->>Operator: buyer keys: POST /v2/key/bidstream",
        "    Operator-->>SSP: buyer keys: 200 success",
        "    SSP->>Publisher: 2-b Ads returned",
    ]


@pytest.mark.parametrize(
    "following",
    [
        event(2, "logout", "4-a"),  # no bid follows
        event(2, "bid", "2-a", session="other"),  # a bid of another desk session
    ],
    ids=["no bid", "another session"],
)
def test_a_key_fetch_not_followed_by_a_bid_of_its_session_is_drawn_in_place(
    following: JournalEntry,
) -> None:
    rows = _rows([exchange(1, "/v2/key/bidstream"), following])
    assert [r[0] for r in rows[:2]] == [1, 1]
    assert rows[0][4] == "buyer keys: POST /v2/key/bidstream"


def test_a_failed_key_fetch_is_drawn_in_the_error_colour_with_a_cross_in_mermaid() -> None:
    keys = exchange(1, "/v2/key/bidstream", http_status=500, outcome="error")
    diagram = layout([keys, event(2, "bid", "2-a", outcome="error")])
    assert diagram.arrows_for(1)[1].label == "buyer keys: 500 error"
    assert "    Operator--xSSP: buyer keys: 500 error" in to_mermaid(diagram).splitlines()
