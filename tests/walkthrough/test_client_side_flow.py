"""The client-side flow as the diagram draws it: the device's SDK talks to the operator itself.

The client-side scenarios are played on the in-process local operator and their journal laid
out; no entry is made by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.walkthrough.test_publisher_journal import _played
from uid2_desk.walkthrough import Lane, layout, step, to_mermaid
from uid2_desk.walkthrough.client_side import CLIENT_SIDE_STEPS

D, P, OP, S = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR, Lane.SSP


def test_the_client_side_steps_are_in_the_catalogue_with_their_guide_numbers() -> None:
    assert [s.id for s in CLIENT_SIDE_STEPS] == ["C3-a", "C3-b", "C3-c", "C3-d", "C4-a"]
    found = step("C3-a")
    assert found is not None
    assert (found.source, found.target, found.phase) == (D, OP, 3)
    assert all(P not in (s.source, s.target) for s in CLIENT_SIDE_STEPS)


@pytest.mark.asyncio
async def test_a_client_side_sign_in_refresh_and_bid_never_touch_the_publisher_lane(
    tmp_path: Path,
) -> None:
    diagram = layout(await _played(tmp_path, "client-side"))

    steps = [(a.step, a.source, a.target) for a in diagram.arrows if a.step]
    assert steps == [
        ("C3-a", D, OP),
        ("C3-b", OP, D),
        ("C3-c", D, OP),
        ("C3-d", OP, D),
        ("C4-a", D, S),
    ]
    assert [a.label for a in diagram.arrows][:2] == [
        "C3-a POST /v2/token/client-generate",
        "C3-b 200 success",
    ]
    assert {n.lane for n in diagram.notes} == {D}
    assert "Device->>Operator: C3-a POST /v2/token/client-generate" in to_mermaid(diagram)


@pytest.mark.asyncio
async def test_the_refused_app_is_drawn_as_the_devices_request_and_a_403(tmp_path: Path) -> None:
    diagram = layout(await _played(tmp_path, "client-side-wrong-app"))
    labels = [a.label for a in diagram.arrows]
    assert labels[:2] == ["C3-a POST /v2/token/client-generate", "C3-b 403 error"]
