"""The desk window: it builds its children and wires their signals, nothing more.

Layout (top to bottom): menu bar, toolbar, the environment strip in the environment's colour,
the message banner, then a vertical splitter: above, the sign-in panel and the test users
beside the identity panel; below, the exchange log beside the exchange inspector. The status
bar repeats the environment and shows the operator becoming ready.

Behaviour lives elsewhere: :class:`~uid2_desk.ui.handlers.DeskHandlers` (the action slots),
the panels (rendering), :func:`~uid2_desk.ui.action_rules.action_states` (what is enabled).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.protocol.clock import Clock
from uid2_desk.ui.actions import DeskActions
from uid2_desk.ui.banner import Banner
from uid2_desk.ui.bridge import DeskBridge
from uid2_desk.ui.deferred_walkthrough import DeferredWalkthrough
from uid2_desk.ui.environment_view import EnvironmentStrip, EnvironmentView, describe_operator
from uid2_desk.ui.exchange_inspector import ExchangeInspector
from uid2_desk.ui.handlers import DeskHandlers
from uid2_desk.ui.identity_panel import IdentityPanel
from uid2_desk.ui.log_model import ExchangeLogModel
from uid2_desk.ui.log_panel import ExchangeLogPanel
from uid2_desk.ui.look import Card, set_colours
from uid2_desk.ui.qt_values import set_enum_properties
from uid2_desk.ui.sign_in_panel import SignInPanel
from uid2_desk.ui.status_bar import DeskStatusBar
from uid2_desk.ui.theme import TOOLBAR, icon_path
from uid2_desk.ui.ticker import SecondTicker
from uid2_desk.ui.users_panel import UsersModel, UsersPanel

if TYPE_CHECKING:
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.walkthrough_dock import WalkthroughDock

#: The refresh policies offered, as (value, label); values are ``PolicyKind`` values.
POLICIES: tuple[tuple[str, str], ...] = (
    ("manual", "Manual"),
    ("automatic", "Automatic (SDK-like)"),
    ("on_return", "When the user returns"),
    ("interval", "Fixed interval"),
)
#: Lifetimes profiles of the local operator, as (value, label).
LIFETIMES: tuple[tuple[str, str], ...] = (
    ("demo", "demo (30 s · 2 min · 5 min)"),
    ("local", "local (15 min · 1 h · 24 h)"),
    ("prod", "prod (1 h · 72 h · 30 d)"),
)


class DeskWindow(QMainWindow):
    """The main window.

    Signals:
        first_painted(): the window has been painted once (start the services now).
        lifetimes_requested(str): the person picked another lifetimes profile.
        environments_requested(): open the environments and credentials dialog.
        closing(): the window is closing (stop the services).

    Attributes:
        bridge: the core-to-Qt bridge whose signals the window renders.
        clock: the desk clock the countdowns follow.
        view: the environment shown.
        desk_actions: every action (menus, toolbar, shortcuts).
        handlers: the action slots.
        ticker: the once-a-second tick of the countdowns.
        banner, strip, sign_in, users, identity, log_model, log_panel, inspector,
        status: the children.
        policy_combo, lifetimes_combo: toolbar choosers.
        walkthrough: the Walkthrough dock (:mod:`uid2_desk.ui.walkthrough_dock`), hidden
            until View ▸ Walkthrough; built after the first paint.
        ready: whether the services are up.
        first_paint_at: ``time.monotonic()`` when the window first painted (benchmarks).
    """

    first_painted = Signal()
    lifetimes_requested = Signal(str)
    environments_requested = Signal()
    closing = Signal()

    def __init__(
        self,
        bridge: DeskBridge,
        clock: Clock,
        view: EnvironmentView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("desk_window")
        self.bridge = bridge
        self.clock = clock
        self.view = view
        self.ready = False
        self.first_paint_at: float | None = None
        self._painted = False
        self.setWindowTitle(view.window_title)
        icon = icon_path("uid2-desk")
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.desk_actions = DeskActions(self)
        self.log_model = ExchangeLogModel(self)
        self.status = DeskStatusBar(view, self)
        self.setStatusBar(self.status)
        self._build_central(view)
        self.ticker = SecondTicker(clock, self)
        self._walkthrough = DeferredWalkthrough(self)
        self.handlers = DeskHandlers(
            window=self,
            users=self.users,
            identity=self.identity,
            inspector=self.inspector,
            banner=self.banner,
            parent=self,
        )
        self.policy_combo = self._combo("policy_combo", "Refresh policy", POLICIES)
        self.lifetimes_combo = self._combo("lifetimes_combo", "Lifetimes profile", LIFETIMES)
        self._build_menus()
        self._build_toolbar()
        self._connect_signals()
        self.status.set_operator(
            "Starting the local operator…" if view.is_local else f"Connecting to {view.title}…"
        )
        self.strip.set_detail("starting…")
        self._show_not_ready()

    # --- construction ----------------------------------------------------------------------
    def _combo(self, name: str, accessible: str, items: tuple[tuple[str, str], ...]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setToolTip(accessible)
        for value, label in items:
            combo.addItem(label, value)
        return combo

    def _build_menus(self) -> None:
        a = self.desk_actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a.export_har, a.export_jsonl, a.export_markdown])
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        user_menu = bar.addMenu("&User")
        user_menu.addActions([a.sign_in, a.refresh, a.validate, a.log_out])
        user_menu.addSeparator()
        user_menu.addActions([a.auto_refresh, a.user_returns, a.opt_out, a.send_to_ssp])
        user_menu.addSeparator()
        user_menu.addAction(a.remove_user)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([a.mask_tokens, a.find, a.dismiss])
        env_menu = bar.addMenu("&Environment")
        env_menu.addAction(a.environments)

    def _build_toolbar(self) -> None:
        a = self.desk_actions
        toolbar = QToolBar("Actions", self)
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        set_colours(toolbar, window=TOOLBAR, fill=True)
        set_enum_properties(toolbar, toolButtonStyle="ToolButtonTextBesideIcon")
        toolbar.addActions([a.sign_in, a.refresh, a.validate, a.log_out])
        toolbar.addSeparator()
        toolbar.addAction(a.auto_refresh)
        toolbar.addWidget(self.policy_combo)
        toolbar.addSeparator()
        toolbar.addActions([a.opt_out, a.send_to_ssp])
        toolbar.addSeparator()
        self._lifetimes_label = QLabel(" Lifetimes: ", self)
        self._lifetimes_label.setBuddy(self.lifetimes_combo)
        self._lifetimes_action = toolbar.addWidget(self._lifetimes_label)
        self._lifetimes_combo_action = toolbar.addWidget(self.lifetimes_combo)
        toolbar.addSeparator()
        toolbar.addAction(a.mask_tokens)
        self.addToolBar(toolbar)
        local = self.view.is_local
        self._lifetimes_action.setVisible(local)
        self._lifetimes_combo_action.setVisible(local)

    def _build_central(self, view: EnvironmentView) -> None:
        # Containers first, then each panel created inside its final parent: re-parenting a
        # built panel makes Qt re-apply the style sheet to its whole subtree, which cost a
        # third of the window's construction time.
        central = QWidget(self)
        self.setCentralWidget(central)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.strip = EnvironmentStrip(view, central)
        layout.addWidget(self.strip)
        self.banner = Banner(central)
        layout.addWidget(self.banner)
        body = QWidget(central)
        layout.addWidget(body, 1)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(6, 4, 6, 4)
        main = _splitter("main_splitter", "Vertical", body)
        body_layout.addWidget(main)
        top = _splitter("top_splitter", "Horizontal", main)
        left = _splitter("left_splitter", "Vertical", top)
        sign_in_box = Card("Sign in", left)
        self.sign_in = SignInPanel(sign_in_box)
        sign_in_box.add(self.sign_in)
        users_box = Card("Test users", left)
        self.users = UsersPanel(UsersModel(self), users_box)
        users_box.add(self.users)
        left.setStretchFactor(1, 1)
        identity_box = Card("Identity", top)
        self.identity = IdentityPanel(identity_box)
        identity_box.add(self.identity)
        top.setStretchFactor(1, 1)
        top.setSizes([330, 1000])
        bottom = _splitter("bottom_splitter", "Horizontal", main)
        log_box = Card("Exchange log", bottom)
        self.log_panel = ExchangeLogPanel(self.log_model, log_box)
        log_box.add(self.log_panel)
        inspector_box = Card("Exchange inspector", bottom)
        self.inspector = ExchangeInspector(inspector_box)
        inspector_box.add(self.inspector)
        bottom.setSizes([760, 560])
        main.setStretchFactor(0, 1)
        main.setStretchFactor(1, 1)
        main.setSizes([400, 330])
        self.setTabOrder(self.sign_in.button, self.users.view)
        self.setTabOrder(self.users.view, self.log_panel.search)

    # --- wiring ------------------------------------------------------------------------------
    def _connect_signals(self) -> None:
        a, h, b = self.desk_actions, self.handlers, self.bridge
        # Core news through the bridge.
        b.user_changed.connect(h.user_changed)
        b.user_changed.connect(self.update_actions)
        b.user_removed.connect(h.user_removed)
        b.user_removed.connect(self.update_actions)
        b.entry_appended.connect(self.log_model.append_entry)
        b.entry_appended.connect(h.entry_appended)
        b.notice.connect(self.show_notice)
        b.startup_progress.connect(self.status.set_operator)
        b.startup_progress.connect(self.strip.set_detail)
        b.services_ready.connect(self.attach_services)
        b.startup_failed.connect(self.show_startup_failure)
        # The Walkthrough dock (sequence diagram, scenario player, opt-out lab).
        b.entry_appended.connect(self._walkthrough.add_entry)
        b.user_changed.connect(self._walkthrough.show_user)
        b.services_ready.connect(self._walkthrough.attach)
        # Actions.
        a.sign_in.triggered.connect(self.sign_in.submit)
        self.sign_in.sign_in_requested.connect(h.sign_in)
        a.refresh.triggered.connect(h.refresh)
        a.validate.triggered.connect(h.validate)
        a.log_out.triggered.connect(h.log_out)
        a.user_returns.triggered.connect(h.user_returns)
        a.remove_user.triggered.connect(h.remove_user)
        a.auto_refresh.triggered.connect(h.set_auto_refresh)
        a.opt_out.triggered.connect(h.opt_out)
        a.send_to_ssp.triggered.connect(h.send_to_ssp)
        a.mask_tokens.toggled.connect(h.set_masked)
        a.find.triggered.connect(self.log_panel.search.setFocus)
        a.dismiss.triggered.connect(self.banner.dismiss)
        a.quit.triggered.connect(self.close)
        a.environments.triggered.connect(self.environments_requested)
        a.export_har.triggered.connect(lambda: h.export("har"))
        a.export_jsonl.triggered.connect(lambda: h.export("jsonl"))
        a.export_markdown.triggered.connect(lambda: h.export("markdown"))
        self.policy_combo.activated.connect(self._policy_chosen)
        self.lifetimes_combo.activated.connect(self._lifetimes_chosen)
        # Selection and views.
        self.users.user_selected.connect(h.show_user)
        self.users.user_selected.connect(self.update_actions)
        self.log_panel.entry_selected.connect(h.show_entry)
        self.identity.chain_entry_activated.connect(self.log_panel.select_seq)
        self.ticker.ticked.connect(self.identity.render_at)
        # Action life cycle: grey while running, explain failures, restore afterwards.
        h.runner.started.connect(self._action_started)
        h.runner.settled.connect(self._action_settled)
        h.runner.failed.connect(self.show_failure)

    @property
    def walkthrough(self) -> WalkthroughDock:
        """The Walkthrough dock (built now if the window has not painted yet)."""
        return self._walkthrough.dock

    def _show_not_ready(self) -> None:
        # What update_actions() shows before the services are up, without loading the rules
        # (and their dataclasses) before the first paint; a test checks the two agree.
        self.desk_actions.disable_until_ready()
        self.sign_in.set_actions_enabled(False)
        self.policy_combo.setEnabled(False)
        self.lifetimes_combo.setEnabled(False)

    # --- slots that only render ----------------------------------------------------------------
    def update_actions(self) -> None:
        """Enable what makes sense for the selection, the services and what is in flight."""
        from uid2_desk.ui.action_rules import ActionContext, action_states

        user_id = self.users.selected_user_id()
        snapshot = None if user_id is None else self.users.model.snapshot(user_id)
        ctx = ActionContext(
            ready=self.ready,
            busy=self.handlers.runner.busy,
            state=None if snapshot is None else str(snapshot.state),
            has_identity=snapshot is not None and snapshot.identity is not None,
            local=self.view.is_local,
        )
        states = action_states(ctx)
        self.desk_actions.apply(states)
        self.sign_in.set_actions_enabled(states.sign_in)
        self.policy_combo.setEnabled(states.policy)
        self.lifetimes_combo.setEnabled(states.lifetimes)
        if snapshot is not None:
            self.desk_actions.auto_refresh.setChecked(str(snapshot.policy) != "manual")
            index = self.policy_combo.findData(str(snapshot.policy))
            if index >= 0:
                self.policy_combo.setCurrentIndex(index)

    def attach_services(self, services: DeskServices) -> None:
        """The services are up: show the real environment and enable the actions."""
        self.handlers.services = services
        self.view = EnvironmentView.of(services.environment)
        self.setWindowTitle(self.view.window_title)
        self.strip.set_view(self.view)
        self.status.set_environment(self.view)
        self._lifetimes_action.setVisible(self.view.is_local)
        self._lifetimes_combo_action.setVisible(self.view.is_local)
        described = describe_operator(services)
        self.status.set_operator(described)
        self.strip.set_detail(described)
        self.ready = True
        self.update_actions()

    def detach_services(self) -> None:
        """The services are going away (restart or close): grey everything."""
        self.handlers.services = None
        self.ready = False
        self._walkthrough.detach()
        self.update_actions()

    def show_notice(self, level: str, message: str) -> None:
        """A notice from the core (an automatic refresh failed...)."""
        title = {"error": "Error", "warning": "Warning"}.get(level, "Note")
        self.banner.show_message(level, title, message)

    def show_failure(self, what: str, message: str) -> None:
        """An action failed: say what and what to do."""
        self.banner.show_message("error", f"{what} failed", message)

    def show_startup_failure(self, message: str) -> None:
        """Start-up could not finish."""
        self.status.set_operator("Not connected")
        self.strip.set_detail("not connected")
        self.banner.show_message("error", "Start-up failed", message)

    def _action_started(self, what: str) -> None:
        self.status.set_activity(f"{what}…")
        self.update_actions()

    def _action_settled(self, _what: str) -> None:
        self.status.set_activity("")
        self.update_actions()

    def _policy_chosen(self, index: int) -> None:
        value = self.policy_combo.itemData(index)
        if isinstance(value, str):
            self.handlers.set_policy(value)

    def _lifetimes_chosen(self, index: int) -> None:
        value = self.lifetimes_combo.itemData(index)
        if isinstance(value, str):
            self.lifetimes_requested.emit(value)

    # --- events ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """On the first paint, arrange to announce it once the whole window is painted."""
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # The children paint after this returns; the timer fires once all is on screen.
            QTimer.singleShot(0, self, self._announce_first_paint)

    def _announce_first_paint(self) -> None:
        self.first_paint_at = time.monotonic()
        self.first_painted.emit()
        # What the first paint did not need, done as soon as the loop is idle.
        QTimer.singleShot(0, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.desk_actions.describe()
        self.update_actions()
        self._walkthrough.build()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Stop ticking and let the composition root close the services."""
        self.ticker.stop()
        self.handlers.runner.cancel_all()
        self.handlers.lookups.cancel_all()
        self.closing.emit()
        super().closeEvent(event)


def _splitter(name: str, orientation: str, parent: QWidget) -> QSplitter:
    """A splitter; ``orientation`` is ``Horizontal`` or ``Vertical`` (see :mod:`qt_values`)."""
    # ``parent`` by keyword: a positional first argument makes PySide weigh the
    # ``QSplitter(Qt.Orientation, ...)`` overload, which creates every ``Qt`` enum.
    splitter = QSplitter(parent=parent)
    splitter.setObjectName(name)
    set_enum_properties(splitter, orientation=orientation)
    return splitter
