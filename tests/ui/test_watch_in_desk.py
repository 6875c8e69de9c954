"""An outside client on the desk's own operator, seen in the desk window.

The real window on the real composition root; the official ``uid2-client`` SDK, as the team's
backend, calls the embedded operator on its loopback port. Its exchanges stream into the log
under their client, open decrypted in the inspector, get a lane of their own in the diagram,
and the Checks dock finds what the traffic shows; a click on a finding selects its entry.
"""

from __future__ import annotations

import asyncio
import base64

import pytest
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.ui.desk_fixture import Desk
from uid2_desk.protocol.capture import CAPTURED_BY
from uid2_desk.ui.log.log_model import LogColumn

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _backend(desk: Desk, secret: str | None = None) -> Uid2PublisherClient:
    assert desk.services.server is not None
    assert desk.services.operator is not None
    creds = desk.services.operator.credentials.publisher
    return Uid2PublisherClient(desk.services.server.base_url, creds.api_key, secret or creds.secret)


def _rows_of(desk: Desk, client: str) -> list[int]:
    model = desk.window.log_model
    model.flush()
    return [i for i in range(model.rowCount()) if model.row_at(i).client == client]


def _wait_for_rows(desk: Desk, client: str, count: int) -> list[int]:
    desk.qtbot.waitUntil(lambda: len(_rows_of(desk, client)) >= count, timeout=15_000)
    return _rows_of(desk, client)


def test_an_outside_generate_streams_in_decrypted_on_its_own_lane_and_is_checked(
    desk: Desk,
) -> None:
    window = desk.window
    sdk = _backend(desk)
    desk.run(asyncio.to_thread(sdk.generate_token, TokenGenerateInput.from_email("qa@example.com")))
    (row,) = _wait_for_rows(desk, "Your backend", 1)
    model = window.log_model
    assert model.index(row, LogColumn.CLIENT).data() == "Your backend"
    assert model.index(row, LogColumn.STEP).data() == "1-d"
    assert "Your backend" in model.clients()

    window.log_panel.table.selectRow(row)
    desk.qtbot.waitUntil(lambda: window.inspector.entry is not None, timeout=5_000)
    inspector = window.inspector
    assert inspector.entry is not None
    assert inspector.entry.exchange is not None
    assert dict(inspector.entry.exchange.extra)[CAPTURED_BY] == "operator"
    assert "Sent by\nYour backend" in inspector.tab_text("Summary")
    assert "qa@example.com" not in inspector.tab_text("Request")  # the SDK sends a hash
    assert "email_hash" in inspector.tab_text("Request")
    assert "advertising_token" in inspector.tab_text("Reply")

    walkthrough = window.walkthrough
    panel = walkthrough.ensure_panel()
    desk.qtbot.waitUntil(
        lambda: "Your backend" in [lane.title for lane in panel.view.diagram.lanes],
        timeout=5_000,
    )
    seq = model.row_at(row).seq
    request, reply = panel.view.diagram.arrows_for(seq)
    assert request.label == "1-d POST /v2/token/generate"
    assert request.source.title == "Your backend"
    assert reply.label == "1-e 200 success"


def test_the_checks_dock_lists_findings_and_a_click_selects_the_entry(desk: Desk) -> None:
    window = desk.window
    good = _backend(desk)
    wrong = _backend(desk, base64.b64encode(b"x" * 32).decode())
    desk.run(asyncio.to_thread(good.generate_token, TokenGenerateInput.from_email("a@example.com")))

    def fail() -> None:
        with pytest.raises(Exception, match="400"):
            wrong.generate_token(TokenGenerateInput.from_email("a@example.com"))

    desk.run(asyncio.to_thread(fail))
    _wait_for_rows(desk, "Your backend", 2)
    checks = window.deferred_walkthrough.checks
    checks.show()
    desk.qtbot.waitUntil(
        lambda: any(line.startswith("FAIL") for line in checks.panel.lines()), timeout=10_000
    )
    lines = checks.panel.lines()
    assert lines[0].startswith("FAIL")
    assert "FAIL" in checks.panel.summary_text
    first = checks.panel.findings[0]
    assert first.seqs
    checks.panel.click(0)
    assert window.log_panel.selected_seq() == first.seqs[0]
    inspector = window.inspector
    desk.qtbot.waitUntil(
        lambda: inspector.entry is not None and inspector.entry.seq == first.seqs[0],
        timeout=5_000,
    )
    assert inspector.why_text.startswith("Why: ")


def test_after_a_restart_the_session_replayed_still_names_the_outside_client(desk: Desk) -> None:
    window = desk.window
    sdk = _backend(desk)
    desk.run(asyncio.to_thread(sdk.generate_token, TokenGenerateInput.from_email("r@example.com")))
    _wait_for_rows(desk, "Your backend", 1)
    panel = window.walkthrough.ensure_panel()
    index = window.lifetimes_combo.findData("local")
    window.lifetimes_combo.setCurrentIndex(index)
    window.lifetimes_combo.activated.emit(index)  # restarts the services, same session
    desk.qtbot.waitUntil(
        lambda: window.ready and "15 min / 1 h / 24 h" in window.status.operator_text,
        timeout=15_000,
    )
    desk.qtbot.waitUntil(
        lambda: "Your backend" in [lane.title for lane in panel.view.diagram.lanes],
        timeout=5_000,
    )


def test_a_burst_of_entries_is_checked_once_off_the_gui_thread(desk: Desk) -> None:
    refresher = desk.window.deferred_walkthrough.checks.refresher
    desk.qtbot.waitUntil(lambda: not refresher.busy, timeout=10_000)
    before = refresher.runs
    for _ in range(200):  # what 200 journal entries arriving together do
        refresher.poke()
    desk.qtbot.waitUntil(lambda: refresher.runs > before and not refresher.busy, timeout=10_000)
    assert refresher.runs == before + 1
