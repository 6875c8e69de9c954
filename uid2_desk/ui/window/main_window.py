"""The desk window: it builds its children and renders what the bridge says, nothing more.

Layout (top to bottom): menu bar, toolbar, the environment strip in the environment's colour,
the message banner, then a vertical splitter: above, the sign-in panel and the test users
beside the identity panel; below, the exchange log beside the exchange inspector. The status
bar repeats the environment and shows the operator becoming ready.

Built in two steps, so the window is on screen at once (paint first): the frame (menus,
toolbar, environment strip, status bar, the five titled cards, and the sign-in panel, the
one thing a person can use while the operator starts) paints first; :meth:`DeskWindow.complete`
then builds the test users, identity, log and inspector panels into their cards, while the
operator is still starting, and wires everything (:mod:`uid2_desk.ui.window.window_wiring`). Those
four show nothing but their empty state until the services are up. Tests and tools get the
whole window from the constructor; the desk's start-up (:mod:`uid2_desk.app`) asks for the
frame, paints it, then completes it.

Behaviour lives elsewhere: :class:`~uid2_desk.ui.window.handlers.DeskHandlers` (the action slots),
the panels (rendering), :func:`~uid2_desk.ui.window.action_rules.action_states` (what is enabled).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QPaintEvent
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from uid2_desk.protocol.clock import Clock
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.common.look import Card
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import icon_path
from uid2_desk.ui.identity.sign_in_panel import SignInPanel
from uid2_desk.ui.window.actions import DeskActions
from uid2_desk.ui.window.banner import Banner
from uid2_desk.ui.window.environment_view import (
    EnvironmentStrip,
    EnvironmentView,
    describe_operator,
)
from uid2_desk.ui.window.status_bar import DeskStatusBar
from uid2_desk.ui.window.window_chrome import LIFETIMES, POLICIES, DeskToolbar, build_menus, chooser

if TYPE_CHECKING:
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.common.ticker import SecondTicker
    from uid2_desk.ui.identity.identity_panel import IdentityPanel
    from uid2_desk.ui.identity.users_panel import UsersPanel
    from uid2_desk.ui.log.exchange_inspector import ExchangeInspector
    from uid2_desk.ui.log.log_model import ExchangeLogModel
    from uid2_desk.ui.log.log_panel import ExchangeLogPanel
    from uid2_desk.ui.window.deferred_walkthrough import DeferredWalkthrough
    from uid2_desk.ui.window.handlers import DeskHandlers
    from uid2_desk.ui.window.walkthrough_dock import WalkthroughDock


class DeskWindow(QMainWindow):
    """The main window.

    Signals:
        first_painted(): the window's frame has been painted once.
        completed(): the whole window, panels included, has been painted.
        lifetimes_requested(str): the person picked another lifetimes profile.
        environments_requested(): open the environments and credentials dialog.
        closing(): the window is closing (stop the services).

    Attributes:
        bridge: the core-to-Qt bridge whose signals the window renders.
        clock: the desk clock the countdowns follow.
        view: the environment shown.
        desk_actions: every action (menus, toolbar, shortcuts).
        banner, strip, sign_in, status: the frame's children.
        policy_combo, lifetimes_combo: toolbar choosers.
        is_complete: whether :meth:`complete` has built the rest.
        handlers, ticker, users, identity, log_model, log_panel, inspector: what
            :meth:`complete` builds (the action slots, the once-a-second tick of the
            countdowns, the panels).
        walkthrough: the Walkthrough dock (:mod:`uid2_desk.ui.window.walkthrough_dock`), hidden
            until View ▸ Walkthrough; built once the whole window has painted.
        ready: whether the services are up.
        first_paint_at, completed_at: ``time.monotonic()`` when the frame, then the whole
            window, first painted (benchmarks).
    """

    first_painted = Signal()
    completed = Signal()
    lifetimes_requested = Signal(str)
    environments_requested = Signal()
    closing = Signal()

    def __init__(
        self,
        bridge: DeskBridge,
        clock: Clock,
        view: EnvironmentView,
        parent: QWidget | None = None,
        *,
        complete: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("desk_window")
        self.bridge = bridge
        self.clock = clock
        self.view = view
        self.ready = False
        self.is_complete = False
        self.first_paint_at: float | None = None
        self.completed_at: float | None = None
        self._frame_awaited = True  # the first paint, announced by paintEvent()
        self._whole_awaited = False  # the body's paint after complete(), see eventFilter()
        self._completing = False
        self.setWindowTitle(view.window_title)
        icon = icon_path("uid2-desk")
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.desk_actions = DeskActions(self)
        self.status = DeskStatusBar(view, self)
        self.setStatusBar(self.status)
        self._build_frame(view)
        self.policy_combo = chooser("policy_combo", "Refresh policy", POLICIES, self)
        self.lifetimes_combo = chooser("lifetimes_combo", "Lifetimes profile", LIFETIMES, self)
        build_menus(self, self.desk_actions)
        self.toolbar = DeskToolbar(self.desk_actions, self.policy_combo, self.lifetimes_combo, self)
        self.addToolBar(self.toolbar)
        self.toolbar.show_lifetimes(view.is_local)
        self.status.set_operator(
            "Starting the local operator…" if view.is_local else f"Connecting to {view.title}…"
        )
        self.strip.set_detail("starting…")
        self._show_not_ready()
        if complete:
            self.complete()

    # --- construction ----------------------------------------------------------------------
    def _build_frame(self, view: EnvironmentView) -> None:
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
        body = self._body = QWidget(central)
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
        self._users_box = Card("Test users", left)
        left.setStretchFactor(1, 1)
        self._identity_box = Card("Identity", top)
        top.setStretchFactor(1, 1)
        top.setSizes([330, 1000])
        bottom = _splitter("bottom_splitter", "Horizontal", main)
        self._log_box = Card("Exchange log", bottom)
        self._inspector_box = Card("Exchange inspector", bottom)
        bottom.setSizes([760, 560])
        main.setStretchFactor(0, 1)
        main.setStretchFactor(1, 1)
        main.setSizes([400, 330])

    def complete(self) -> None:
        """Build the panels the first paint did without, and wire the window (once)."""
        if self.is_complete or self._completing:
            return
        self._completing = True
        from uid2_desk.ui.common.ticker import SecondTicker
        from uid2_desk.ui.identity.identity_panel import IdentityPanel
        from uid2_desk.ui.identity.users_panel import UsersModel, UsersPanel
        from uid2_desk.ui.log.exchange_inspector import ExchangeInspector
        from uid2_desk.ui.log.log_model import ExchangeLogModel
        from uid2_desk.ui.log.log_panel import ExchangeLogPanel
        from uid2_desk.ui.window.deferred_walkthrough import DeferredWalkthrough
        from uid2_desk.ui.window.handlers import DeskHandlers
        from uid2_desk.ui.window.window_wiring import wire_window

        # Built out of sight, then shown: showing lays the whole body out at once, at its
        # final size, as when the window is built whole (panels added to a body on screen
        # would be laid out small first; a word-wrapped label then keeps a needless
        # scroll bar).
        on_screen = self._body.isVisible()
        if on_screen:
            self._body.hide()
        self.log_model: ExchangeLogModel = ExchangeLogModel(self)
        self.users: UsersPanel = UsersPanel(UsersModel(self), self._users_box)
        self._users_box.add(self.users)
        self.identity: IdentityPanel = IdentityPanel(self._identity_box)
        self._identity_box.add(self.identity)
        self.log_panel: ExchangeLogPanel = ExchangeLogPanel(self.log_model, self._log_box)
        self._log_box.add(self.log_panel)
        self.inspector: ExchangeInspector = ExchangeInspector(self._inspector_box)
        self._inspector_box.add(self.inspector)
        if on_screen:
            self._body.show()
        self.setTabOrder(self.sign_in.button, self.users.view)
        self.setTabOrder(self.users.view, self.log_panel.search)
        self.ticker: SecondTicker = SecondTicker(self.clock, self)
        self.deferred_walkthrough: DeferredWalkthrough = DeferredWalkthrough(self)
        self.handlers: DeskHandlers = DeskHandlers(
            window=self,
            users=self.users,
            identity=self.identity,
            inspector=self.inspector,
            banner=self.banner,
            parent=self,
        )
        wire_window(self)
        self.is_complete = True
        if on_screen and not self._frame_awaited:
            # The frame is on screen: the body's next paint, now that it is shown again, is
            # the whole window's. (Completed before the frame painted, the frame is whole.)
            self._whole_awaited = True
            self._body.installEventFilter(self)

    @property
    def walkthrough(self) -> WalkthroughDock:
        """The Walkthrough dock (built now if the window has not painted yet)."""
        return self.deferred_walkthrough.dock

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
        from uid2_desk.ui.window.action_rules import ActionContext, action_states

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
        self.toolbar.show_lifetimes(self.view.is_local)
        described = describe_operator(services)
        self.status.set_operator(described)
        self.strip.set_detail(described)
        self.ready = True
        self.update_actions()

    def detach_services(self) -> None:
        """The services are going away (restart or close): grey everything."""
        self.handlers.services = None
        self.ready = False
        self.deferred_walkthrough.detach()
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

    def action_started(self, what: str) -> None:
        """An action began: say so, and grey what must wait for it."""
        self.status.set_activity(f"{what}…")
        self.update_actions()

    def action_settled(self, _what: str) -> None:
        """An action ended: clear the activity and restore the actions."""
        self.status.set_activity("")
        self.update_actions()

    def policy_chosen(self, index: int) -> None:
        """The person picked the refresh policy at ``index`` for the selected user."""
        value = self.policy_combo.itemData(index)
        if isinstance(value, str):
            self.handlers.set_policy(value)

    def lifetimes_chosen(self, index: int) -> None:
        """The person picked the lifetimes profile at ``index``."""
        value = self.lifetimes_combo.itemData(index)
        if isinstance(value, str):
            self.lifetimes_requested.emit(value)

    # --- events ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """After the frame's first paint, announce it."""
        super().paintEvent(event)
        if self._frame_awaited:
            self._frame_awaited = False
            # The children paint after this returns; the timer fires once all is on screen.
            QTimer.singleShot(0, self, self._announce_frame)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """After the body's first paint once complete, announce the whole window."""
        if watched is self._body and self._whole_awaited and event.type() == QEvent.Type.Paint:
            self._whole_awaited = False
            self._body.removeEventFilter(self)
            QTimer.singleShot(0, self, self._announce_whole)
        return False

    def _announce_frame(self) -> None:
        self.first_paint_at = time.monotonic()
        self.first_painted.emit()
        if self.is_complete and not self._whole_awaited:
            self._announce_whole()  # completed before it painted: the frame was all of it
        # What the first paint did not need, as soon as the loop is idle.
        QTimer.singleShot(0, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.complete()
        self.desk_actions.describe()
        self.update_actions()

    def _announce_whole(self) -> None:
        self.completed_at = time.monotonic()
        self.completed.emit()
        # The hidden Walkthrough dock, once what is seen is all there.
        QTimer.singleShot(0, self, self.deferred_walkthrough.build)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Stop ticking and let the composition root close the services."""
        if self.is_complete:
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
