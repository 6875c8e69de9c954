"""Each panel and model on its own: what it shows for what it is given."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.desk_fixture import Desk
from tests.ui.model_check import check_model
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import DiiKind, parse_dii
from uid2_desk.publisher.model import ChainLink, TestUser, UserSnapshot, UserState
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.ui.common.theme import ERROR_TEXT, WARNING_TEXT, environment_swatch, state_swatch
from uid2_desk.ui.identity.chain_model import ChainModel
from uid2_desk.ui.identity.identity_panel import IdentityPanel
from uid2_desk.ui.identity.sign_in_panel import PRESETS, SignInPanel
from uid2_desk.ui.identity.token_field import MASK_TEXT, TokenField
from uid2_desk.ui.identity.users_panel import STATE_ROLE, UsersModel
from uid2_desk.ui.window.action_rules import ActionContext, action_states
from uid2_desk.ui.window.environment_view import EnvironmentStrip, EnvironmentView

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

T0 = 1_704_067_200_000
TOKEN = "A4AAAAB" + "x" * 150


def _user(label: str, user_id: str) -> TestUser:
    dii = parse_dii(DiiKind.EMAIL, label)
    return TestUser(
        id=user_id,
        kind=DiiKind.EMAIL,
        entered=label,
        normalized=dii.normalized,
        hash_b64=dii.hash_b64,
        environment="local",
        label=label,
    )


def _identity(now: int = T0) -> Identity:
    return Identity(
        advertising_token=TOKEN,
        refresh_token="R" * 388,
        identity_expires_ms=now + 120_000,
        refresh_expires_ms=now + 300_000,
        refresh_from_ms=now + 30_000,
    )


def _snapshot(
    user: TestUser, state: UserState, *, identity: Identity | None = None
) -> UserSnapshot:
    chain = () if identity is None else (ChainLink(T0, "generate", "success", TOKEN, 3),)
    return UserSnapshot(
        user=user,
        state=state,
        identity=identity,
        policy=PolicyKind.MANUAL,
        next_refresh_ms=None,
        attempts=0,
        last_error=None,
        chain=chain,
        identity_set_ms=None if identity is None else T0,
    )


# --- sign-in ---------------------------------------------------------------------------------
def test_sign_in_shows_normalized_value_and_hash_as_you_type(qtbot: QtBot) -> None:
    panel = SignInPanel()
    qtbot.addWidget(panel)
    panel.set_actions_enabled(True)
    QTest.keyClicks(panel.value, "  Jane.Doe+News@GMAIL.com")
    assert panel.normalized_text == "janedoe@gmail.com"
    assert panel.hash_text == parse_dii(DiiKind.EMAIL, "janedoe@gmail.com").hash_b64
    assert panel.message_text == ""
    assert panel.button.isEnabled()
    with qtbot.waitSignal(panel.sign_in_requested) as blocker:
        QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert blocker.args == [DiiKind.EMAIL, "  Jane.Doe+News@GMAIL.com", False]


def test_sign_in_presets_cover_the_operator_test_identities(qtbot: QtBot) -> None:
    values = {p.value for p in PRESETS}
    assert values == {
        "validate@example.com",
        "optout@example.com",
        "refresh-optout@example.com",
        "+12345678901",
        "+00000000000",
        "+00000000002",
    }
    panel = SignInPanel()
    qtbot.addWidget(panel)
    index = next(
        i for i in range(panel.presets.count()) if "+00000000002" in panel.presets.itemText(i)
    )
    assert "opt-out on refresh" in panel.presets.itemText(index)
    panel.presets.activated.emit(index)
    assert panel.current_kind is DiiKind.PHONE
    assert panel.value.text() == "+00000000002"
    assert panel.normalized_text == "+00000000002"


@pytest.mark.parametrize(
    ("kind", "text", "words"),
    [
        (DiiKind.EMAIL, "no-at-sign", "@"),
        (DiiKind.PHONE, "12345678901", "E.164"),
        (DiiKind.EMAIL_HASH, "abc", "44"),
    ],
)
def test_invalid_input_is_explained_inline_and_cannot_be_sent(
    qtbot: QtBot, kind: DiiKind, text: str, words: str
) -> None:
    panel = SignInPanel()
    qtbot.addWidget(panel)
    panel.set_actions_enabled(True)
    panel.set_input(kind, text)
    assert words in panel.message_text
    assert panel.value.property("invalid") is True
    assert not panel.button.isEnabled()
    with qtbot.assertNotEmitted(panel.sign_in_requested):
        panel.submit()


def test_a_hash_is_sent_as_it_is_and_raw_sending_is_only_for_raw_dii(qtbot: QtBot) -> None:
    panel = SignInPanel()
    qtbot.addWidget(panel)
    digest = parse_dii(DiiKind.EMAIL, "jane@example.com").hash_b64
    panel.set_input(DiiKind.EMAIL_HASH, digest)
    assert panel.hash_text == digest
    assert not panel.send_raw.isEnabled()
    panel.set_input(DiiKind.EMAIL, "jane@example.com")
    assert panel.send_raw.isEnabled()


# --- users -------------------------------------------------------------------------------------
def test_users_model_inserts_replaces_and_removes_without_reset(
    qtmodeltester: ModelTester,
) -> None:
    model = UsersModel()
    check_model(qtmodeltester, model)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    alice, bob = _user("alice@example.com", "a"), _user("bob@example.com", "b")
    model.upsert(_snapshot(alice, UserState.NO_IDENTITY))
    model.upsert(_snapshot(bob, UserState.ESTABLISHED, identity=_identity()))
    model.upsert(_snapshot(alice, UserState.OPTED_OUT))
    check_model(qtmodeltester, model)
    assert model.rowCount() == 2
    assert model.index(0, 0).data(STATE_ROLE) == "opted_out"
    assert "Opted out" in model.index(0, 0).data(_tooltip_role())
    model.remove("a")
    assert [s.user.id for s in model.snapshots()] == ["b"]
    assert resets == []


def test_chain_model_grows_by_inserts_and_masks_tokens(qtmodeltester: ModelTester) -> None:
    model = ChainModel()
    check_model(qtmodeltester, model)
    first = ChainLink(T0, "generate", "success", TOKEN, 1)
    second = ChainLink(T0 + 30_000, "refresh", "success", TOKEN[::-1], 4)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.set_chain("u", (first,))
    model.set_chain("u", (first, second))
    assert inserted == [(1, 1)]
    assert model.index(1, 1).data() == "refresh"
    assert model.index(1, 3).data().startswith(TOKEN[::-1][:12])
    model.set_masked(True)
    assert model.index(1, 3).data() == "•••• masked"
    check_model(qtmodeltester, model)


# --- identity ----------------------------------------------------------------------------------
def test_identity_panel_shows_state_in_words_and_colour(qtbot: QtBot) -> None:
    panel = IdentityPanel()
    qtbot.addWidget(panel)
    assert panel.badge_text == "No identity"
    user = _user("jane@example.com", "j")
    panel.show_snapshot(_snapshot(user, UserState.REFRESH_DUE, identity=_identity()))
    panel.render_at(T0 + 31_000)
    assert panel.badge_text == "Refresh due"
    assert "refresh_from has passed" in panel.explanation_text
    assert panel.badge.background == state_swatch("refresh_due").background
    assert panel.countdowns[0].remaining_text == "0:01 ago"
    assert panel.countdowns[1].remaining_text == "in 1:29"
    assert panel.chain_model.rowCount() == 1


def test_identity_panel_masks_tokens_for_demos(qtbot: QtBot) -> None:
    panel = IdentityPanel()
    qtbot.addWidget(panel)
    panel.show_snapshot(
        _snapshot(_user("jane@example.com", "j"), UserState.ESTABLISHED, identity=_identity())
    )
    assert panel.advertising.shown_text != MASK_TEXT
    panel.set_masked(True)
    assert panel.advertising.shown_text == MASK_TEXT
    assert panel.refresh.shown_text == MASK_TEXT
    assert TOKEN not in panel.inspector.text


@pytest.mark.parametrize(
    ("skew_ms", "level"), [(300, "ok"), (-50_000, "warning"), (75_000, "error")]
)
def test_clock_skew_warns_near_the_envelope_limit(qtbot: QtBot, skew_ms: int, level: str) -> None:
    panel = IdentityPanel()
    qtbot.addWidget(panel)
    panel.set_skew(skew_ms)
    assert f"{skew_ms / 1000:+.1f} s" in panel.skew_text
    skew_label = panel.findChild(QWidget, "skew_label")
    assert skew_label is not None
    assert skew_label.property("level") == level
    shown = skew_label.palette().color(QPalette.ColorRole.WindowText).name()
    expected = {"warning": WARNING_TEXT, "error": ERROR_TEXT}.get(level)
    if expected is None:
        assert shown not in (WARNING_TEXT, ERROR_TEXT)
    else:
        assert shown == expected
        assert skew_label.font().bold()


def test_token_field_elides_but_copies_everything(qtbot: QtBot) -> None:
    from PySide6.QtGui import QGuiApplication

    field = TokenField("Advertising token")
    qtbot.addWidget(field)
    field.resize(200, 30)
    field.set_token(TOKEN)
    assert "…" in field.shown_text
    field.copy()
    assert QGuiApplication.clipboard().text() == TOKEN


# --- environment -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("env", "chip"),
    [("local", "LOCAL"), ("integ", "INTEG"), ("prod", "PRODUCTION"), ("euid-prod", "PRODUCTION")],
)
def test_the_environment_is_colour_coded_from_the_first_paint(
    qtbot: QtBot, env: str, chip: str
) -> None:
    view = EnvironmentView.preview(env)
    strip = EnvironmentStrip(view)
    qtbot.addWidget(strip)
    assert strip.chip_text == chip
    assert strip.colour == environment_swatch(view.kind).background
    assert view.window_title.startswith("UID2 Desk — ")


def test_production_is_red() -> None:
    assert QColor(environment_swatch("prod").background).red() > 150
    assert QColor(environment_swatch("prod").background).green() < 60


# --- actions -----------------------------------------------------------------------------------
def test_actions_follow_state_selection_and_environment() -> None:
    idle = action_states(ActionContext(True, False, None, False, True))
    assert idle.sign_in
    assert not idle.refresh
    assert not idle.send_to_ssp
    established = action_states(ActionContext(True, False, "established", True, True))
    assert established.refresh
    assert established.validate
    assert established.send_to_ssp
    assert established.opt_out
    assert established.lifetimes
    remote = action_states(ActionContext(True, False, "established", True, False))
    assert not remote.opt_out
    assert not remote.lifetimes
    opted = action_states(ActionContext(True, False, "opted_out", False, True))
    assert not opted.refresh
    assert not opted.send_to_ssp
    assert not opted.opt_out
    busy = action_states(ActionContext(True, True, "established", True, True))
    assert not busy.sign_in
    assert not busy.refresh
    starting = action_states(ActionContext(False, False, None, False, True))
    assert not starting.sign_in
    assert not starting.exports


# --- keyboard and accessibility ------------------------------------------------------------------
def test_every_action_has_a_shortcut(desk: Desk) -> None:
    a = desk.window.desk_actions
    for action in (
        a.sign_in,
        a.refresh,
        a.validate,
        a.log_out,
        a.opt_out,
        a.send_to_ssp,
        a.auto_refresh,
        a.mask_tokens,
        a.environments,
        a.find,
        a.quit,
    ):
        assert not action.shortcut().isEmpty(), action.text()
    shortcuts = [x.shortcut().toString() for x in desk.window.findChildren(type(a.sign_in))]
    duplicates = {s for s in shortcuts if s and shortcuts.count(s) > 1}
    assert duplicates == set()


def test_every_control_has_an_accessible_name(desk: Desk) -> None:
    desk.window.show()
    controls = [
        w
        for w in desk.window.findChildren(QWidget)
        if isinstance(w, QLineEdit | QComboBox | QAbstractButton | QAbstractItemView)
        and not isinstance(w, QHeaderView)  # part of its table
        and not w.objectName().startswith("qt_")  # Qt's own helpers (toolbar overflow)
        and w.isVisibleTo(desk.window)
    ]
    assert len(controls) > 20
    unnamed = []
    for widget in controls:
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface is not None else ""
        if not name.strip():
            unnamed.append(widget.objectName() or type(widget).__name__)
    assert unnamed == []


def test_tab_order_walks_sign_in_then_users_then_log(desk: Desk) -> None:
    window = desk.window
    window.show()
    desk.qtbot.waitExposed(window)
    window.sign_in.presets.setFocus()
    order: list[QWidget] = [window.sign_in.presets]
    widget: QWidget = window.sign_in.presets
    for _ in range(8):
        after = widget.nextInFocusChain()
        assert after is not None
        widget = after
        order.append(widget)
    names = [w.objectName() for w in order]
    assert (
        names.index("sign_in_kind") < names.index("sign_in_value") < names.index("primary_button")
    )
    assert "users_list" in names


def _tooltip_role() -> int:
    from PySide6.QtCore import Qt

    return int(Qt.ItemDataRole.ToolTipRole)
