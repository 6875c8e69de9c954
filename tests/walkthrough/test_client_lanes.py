"""Each outside client the operator captured gets a lane of its own, with the guide's steps.

The desk's own exchanges keep the guide's four lanes; a captured request is drawn from its
client's lane (named as the log's *Client* column names it) to the operator and back, with
the step the capture labelled it (``1-d`` → ``1-e``, ``3-b`` → ``3-c``). The report's Mermaid
copy shares the layout, so it has the same participants.
"""

from __future__ import annotations

from dataclasses import replace

from tests.ui.entries import captured_entry, exchange_entry
from tests.walkthrough.mermaid_grammar import mermaid_problems
from uid2_desk.protocol.capture import CapturedClient
from uid2_desk.report.markdown import report_text
from uid2_desk.walkthrough import ArrowKind, Lane, LayoutMetrics, arrow_at, layout, to_mermaid
from uid2_desk.walkthrough.client_lanes import ClientLane, keep_client_only

BACKEND = CapturedClient(role="publisher", key="UID2-C-L-999-ab…")
TV_APP = CapturedClient(role="cstg", app_name="com.example.tvapp", subscription="sub-1")
M = LayoutMetrics()


def _entries() -> list:  # type: ignore[type-arg]
    return [
        exchange_entry(1),
        replace(captured_entry(2, BACKEND), step="1-d"),
        replace(captured_entry(3, TV_APP, endpoint="/v2/token/client-generate"), step=None),
        replace(captured_entry(4, BACKEND, endpoint="/v2/token/refresh"), step="3-b"),
    ]


def test_each_outside_client_gets_a_lane_right_of_the_guides_in_order_of_appearance() -> None:
    diagram = layout(_entries())
    titles = [column.title for column in diagram.lanes]
    assert titles[: len(Lane)] == [lane.title for lane in Lane]
    assert titles[len(Lane) :] == ["Your backend", "App com.example.tvapp"]
    assert diagram.width == 2 * M.margin + M.lane_spacing * (len(Lane) + 2)
    backend = diagram.lanes[len(Lane)]
    assert backend.x == M.lane_x(ClientLane(len(Lane), "Your backend"))


def test_a_captured_exchange_runs_from_its_clients_lane_to_the_operator_with_its_steps() -> None:
    diagram = layout(_entries())
    desk_request, _ = diagram.arrows_for(1)
    assert desk_request.source is Lane.PUBLISHER
    request, reply = diagram.arrows_for(2)
    assert request.source == ClientLane(len(Lane), "Your backend")
    assert request.target is Lane.OPERATOR
    assert (request.kind, request.step, request.label) == (
        ArrowKind.REQUEST,
        "1-d",
        "1-d POST /v2/token/generate",
    )
    assert (reply.source, reply.target) == (Lane.OPERATOR, request.source)
    assert reply.label == "1-e 200 success"
    refresh, refreshed = diagram.arrows_for(4)
    assert refresh.source == request.source  # the same client, the same lane
    assert (refresh.step, refreshed.step) == ("3-b", "3-c")
    app_request, _ = diagram.arrows_for(3)
    assert app_request.source == ClientLane(len(Lane) + 1, "App com.example.tvapp")
    assert arrow_at(diagram, (request.x1 + request.x2) / 2, request.y) == request


def test_the_diagram_feed_keeps_the_client_but_none_of_the_bytes() -> None:
    entry = captured_entry(2, BACKEND)
    assert entry.exchange is not None
    slim = keep_client_only(entry.exchange)
    assert slim is not None
    assert slim.request_plaintext is None
    assert slim.request_body == b""
    assert layout([replace(entry, exchange=slim)]).lanes[-1].title == "Your backend"
    assert keep_client_only(replace(entry.exchange, extra=())) is None


def test_the_mermaid_copy_declares_a_participant_per_client_and_stays_valid() -> None:
    text = to_mermaid(layout(_entries()))
    assert mermaid_problems(text) == []
    assert "    participant ClientA as Your backend" in text
    assert "    participant ClientB as App com.example.tvapp" in text
    assert "    ClientA->>Operator: 1-d POST /v2/token/generate" in text
    assert "    Operator-->>ClientA: 1-e 200 success" in text
    assert "participant ClientA as Your backend" in report_text(_entries()[1:])


def test_client_lane_ids_stay_letters_past_the_alphabet() -> None:
    first = len(Lane)
    ids = [ClientLane(first + n, "x").mermaid_id for n in (0, 25, 26, 27, 701, 702)]
    assert ids == ["ClientA", "ClientZ", "ClientAA", "ClientAB", "ClientZZ", "ClientAAA"]
