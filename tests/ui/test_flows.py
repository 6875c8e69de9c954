"""The main flows, end to end: the real window, composition root and local operator.

Only time is fake (a ManualClock under the shared WarpClock); every exchange is a real v2
request to the local operator on a loopback port.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from tests.ui.desk_fixture import Desk
from uid2_desk.journal import EntryKind, JournalFilter
from uid2_desk.operator import Fault, FaultKind
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.ui.log.log_model import LogColumn

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

DEMO_REFRESH_FROM_MS = 30_000
DEMO_IDENTITY_MS = 120_000
DEMO_REFRESH_MS = 300_000


def _endpoints(desk: Desk) -> list[str]:
    model = desk.window.log_model
    return [model.row_at(i).endpoint for i in range(model.rowCount())]


def test_the_window_starts_on_the_local_operator_with_no_set_up(desk: Desk) -> None:
    window = desk.window
    assert window.windowTitle() == "UID2 Desk — Local operator"
    assert window.strip.chip_text == "LOCAL"
    assert window.status.chip_text == "LOCAL"
    assert window.status.operator_text.startswith("Local operator ready at http://127.0.0.1:")
    assert "30 s / 2 min / 5 min" in window.status.operator_text
    assert window.desk_actions.sign_in.isEnabled()
    assert not window.desk_actions.refresh.isEnabled()  # nobody selected yet


def test_sign_in_then_countdowns_move_then_refresh_then_log_out(desk: Desk) -> None:
    window, identity = desk.window, desk.window.identity
    snapshot = desk.sign_in("Jane.Doe@example.com")
    assert str(snapshot.state) == "established"
    assert identity.badge_text == "Established"
    assert identity.advertising.token == snapshot.identity.advertising_token  # type: ignore[union-attr]
    refresh_from, identity_expires, refresh_expires = identity.countdowns
    desk.window.ticker.tick()
    assert refresh_from.remaining_text == "in 0:30"
    assert identity_expires.remaining_text == "in 2:00"
    assert refresh_expires.remaining_text == "in 5:00"

    desk.advance(10_000)
    assert refresh_from.remaining_text == "in 0:20"
    assert identity_expires.remaining_text == "in 1:50"

    desk.advance(DEMO_REFRESH_FROM_MS - 10_000)
    desk.tick()
    assert refresh_from.remaining_text == "0:00 ago"
    assert identity.badge_text == "Refresh due"
    assert window.desk_actions.refresh.isEnabled()

    window.desk_actions.refresh.trigger()
    desk.settle()
    refreshed = desk.selected()
    assert str(refreshed.state) == "refreshed"
    assert identity.badge_text == "Refreshed"
    assert [link.action for link in refreshed.chain] == ["generate", "refresh"]
    assert identity.chain_model.rowCount() == 2
    assert refresh_from.remaining_text == "in 0:30"  # a new identity, a new countdown
    assert "/v2/token/generate" in _endpoints(desk)
    assert "/v2/token/refresh" in _endpoints(desk)

    window.desk_actions.log_out.trigger()
    desk.settle()
    assert str(desk.selected().state) == "no_identity"
    assert identity.badge_text == "No identity"
    assert identity.advertising.shown_text == "—"
    assert refresh_from.remaining_text == "—"


def test_refresh_of_refresh_optout_identity_answers_opted_out(desk: Desk) -> None:
    snapshot = desk.sign_in("refresh-optout@example.com")
    assert str(snapshot.state) == "established"
    desk.window.desk_actions.refresh.trigger()
    desk.settle()
    assert str(desk.selected().state) == "opted_out"
    assert desk.window.identity.badge_text == "Opted out"
    assert desk.selected().identity is None
    statuses = [
        desk.window.log_model.index(i, LogColumn.STATUS).data()
        for i in range(desk.window.log_model.rowCount())
    ]
    assert "optout" in statuses
    assert not desk.window.desk_actions.refresh.isEnabled()


def test_optout_identity_is_opted_out_on_generate(desk: Desk) -> None:
    snapshot = desk.sign_in("optout@example.com")
    assert str(snapshot.state) == "opted_out"
    assert desk.window.banner.title == "Opted out"


def test_bad_input_is_explained_inline_and_nothing_is_sent(desk: Desk) -> None:
    panel = desk.window.sign_in
    entries_before = desk.window.log_model.total
    QTest.keyClicks(panel.value, "jane.doe@")
    assert panel.dii is None
    assert panel.message_text != ""
    assert panel.value.property("invalid") is True
    assert not panel.button.isEnabled()
    QTest.keyClick(panel.value, Qt.Key.Key_Return)
    desk.window.desk_actions.sign_in.trigger()
    desk.settle()
    assert desk.window.log_model.total == entries_before
    assert desk.window.users.model.rowCount() == 0
    panel.set_input(DiiKind.PHONE, "12345678901")
    assert panel.current_kind is DiiKind.PHONE
    assert "E.164" in panel.message_text


def test_operator_failure_shows_a_banner_and_keeps_the_identity(desk: Desk) -> None:
    snapshot = desk.sign_in("validate@example.com")
    operator = desk.services.operator
    assert operator is not None
    operator.admin.set_fault(Fault(FaultKind.HTTP_503, "/v2/token/refresh", times=1))
    desk.window.desk_actions.refresh.trigger()
    desk.settle()
    banner = desk.window.banner
    assert banner.level == "error"
    assert banner.title == "Refresh failed"
    assert banner.text
    kept = desk.selected()
    assert kept.identity is not None
    assert kept.identity.advertising_token == snapshot.identity.advertising_token  # type: ignore[union-attr]
    assert desk.window.identity.error_text  # the panel says what went wrong too
    assert desk.window.desk_actions.refresh.isEnabled()  # and the window still works


def test_a_dropped_connection_is_reported_not_crashed(desk: Desk) -> None:
    desk.sign_in("validate@example.com")
    operator = desk.services.operator
    assert operator is not None
    operator.admin.set_fault(Fault(FaultKind.DROP, "/v2/token/validate", times=1))
    desk.window.desk_actions.validate.trigger()
    desk.settle()
    assert desk.window.banner.level == "error"
    assert desk.window.banner.title == "Validate failed"


def test_validate_says_whether_the_token_matches(desk: Desk) -> None:
    desk.sign_in("validate@example.com")
    desk.window.desk_actions.validate.trigger()
    desk.settle()
    assert desk.window.banner.level == "info"
    assert "confirms" in desk.window.banner.text


def test_local_opt_out_now_then_refresh_picks_it_up(desk: Desk) -> None:
    desk.sign_in("jane.roe@example.com")
    assert desk.window.desk_actions.opt_out.isEnabled()
    desk.window.desk_actions.opt_out.trigger()
    desk.settle()
    assert "opt-out" in desk.window.banner.text
    # The admin opt-out is on record (issue 16): the log and the report show the cause.
    recorded = desk.run(desk.services.journal.entries(JournalFilter(kind=EntryKind.EVENT)))
    assert recorded[-1].name == "user_opted_out"
    assert recorded[-1].user == "jane.roe@example.com"
    desk.advance(1_000)
    desk.window.desk_actions.refresh.trigger()
    desk.settle()
    assert str(desk.selected().state) == "opted_out"


def test_several_users_at_once_each_with_its_badge(desk: Desk) -> None:
    desk.sign_in("alice@example.com")
    desk.sign_in("optout@example.com")
    desk.sign_in("+12345678901")
    model = desk.window.users.model
    states = [str(s.state) for s in model.snapshots()]
    assert states == ["established", "opted_out", "established"]
    desk.window.users.select_user(model.snapshots()[0].user.id)
    assert desk.window.identity.snapshot is not None
    assert desk.window.identity.snapshot.user.label == "alice@example.com"
    assert desk.window.identity.badge_text == "Established"


def test_auto_refresh_refreshes_when_due(desk: Desk) -> None:
    desk.sign_in("auto@example.com")
    desk.window.desk_actions.auto_refresh.trigger()
    desk.settle()
    assert str(desk.selected().policy) == "automatic"
    assert "automatic" in desk.window.identity.policy_text
    desk.advance(DEMO_REFRESH_FROM_MS + 1_000)
    desk.tick()
    desk.qtbot.waitUntil(lambda: str(desk.selected().state) == "refreshed", timeout=10_000)
    assert desk.window.identity.badge_text == "Refreshed"


def test_refresh_expired_after_refresh_expires(desk: Desk) -> None:
    desk.sign_in("late@example.com")
    desk.advance(DEMO_REFRESH_MS + 1_000)
    desk.tick()
    assert str(desk.selected().state) == "refresh_expired"
    assert desk.window.identity.badge_text == "Refresh expired"
    assert desk.window.identity.countdowns[2].remaining_text.endswith("ago")


def test_the_window_stays_responsive_while_the_operator_is_slow(desk: Desk) -> None:
    desk.sign_in("slow@example.com")
    operator = desk.services.operator
    assert operator is not None
    operator.admin.set_fault(
        Fault(FaultKind.LATENCY, "/v2/token/refresh", times=1, latency_ms=1500)
    )
    window = desk.window
    window.desk_actions.refresh.trigger()
    assert window.handlers.runner.busy
    started = time.monotonic()
    fired: list[float] = []
    QTimer.singleShot(50, lambda: fired.append(time.monotonic() - started))
    desk.qtbot.waitUntil(lambda: bool(fired), timeout=1000)
    assert fired[0] < 0.5  # the GUI thread kept serving events during the request
    assert window.handlers.runner.busy  # the operator has not answered yet
    assert not window.desk_actions.refresh.isEnabled()  # greyed while in flight
    assert window.status.activity_text == "Refresh…"
    desk.settle()
    assert str(desk.selected().state) == "refreshed"
    assert window.desk_actions.refresh.isEnabled()
    assert window.status.activity_text == ""
