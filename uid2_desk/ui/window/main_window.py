"""The desk window: it builds its children and renders what the bridge says, nothing more.

Layout (top to bottom): menu bar, toolbar, the frame (:mod:`~uid2_desk.ui.window.window_frame`:
environment strip, banner, the five cards), status bar.

Built in two steps, so the window is on screen at once (paint first): the frame (menus,
toolbar, environment strip, status bar, the five titled cards, and the sign-in panel, the
one thing a person can use while the operator starts) paints first; :meth:`DeskWindow.complete`
then builds the test users, identity, log and inspector panels into their cards
(:mod:`~uid2_desk.ui.window.window_panels`) while the operator is still starting, and wires
everything (:mod:`uid2_desk.ui.window.window_wiring`); those four show nothing but their
empty state until the services are up. Tests and tools get the
whole window from the constructor; the desk's start-up (:mod:`uid2_desk.app`) asks for the
frame, paints it, then completes it.

Behaviour lives elsewhere: :class:`~uid2_desk.ui.window.handlers.DeskHandlers` (action slots),
the panels, :func:`~uid2_desk.ui.window.action_rules.action_states` (what is enabled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import QWidget

from uid2_desk.protocol.clock import Clock
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.common.theme import icon_path
from uid2_desk.ui.window.actions import DeskActions
from uid2_desk.ui.window.environment_view import EnvironmentView, describe_operator
from uid2_desk.ui.window.paint_milestones import PaintMilestones
from uid2_desk.ui.window.status_bar import DeskStatusBar
from uid2_desk.ui.window.window_chrome import LIFETIMES, POLICIES, DeskToolbar, build_menus, chooser
from uid2_desk.ui.window.window_frame import build_frame

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


class DeskWindow(PaintMilestones):
    """The main window.

    Signals:
        first_painted(), completed(): see :class:`PaintMilestones`.
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
        walkthrough: the Walkthrough dock, built once the whole window has painted.
        connect_client, earlier_sessions, proxy_control: the rooms' own controls.
        ready: whether the services are up.
        first_paint_at, completed_at: when the frame, then the whole window, first painted.
    """

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
        self._completing = False
        self.setWindowTitle(view.window_title)
        icon = icon_path("uid2-desk")
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.desk_actions = DeskActions(self)
        self.status = DeskStatusBar(view, self)
        self.setStatusBar(self.status)
        frame = self._frame = build_frame(self, view)
        self.strip, self.banner, self.sign_in = frame.strip, frame.banner, frame.sign_in
        self._body = frame.body
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

    def complete(self) -> None:
        """Build the panels the first paint did without, and wire the window (once)."""
        if self.is_complete or self._completing:
            return
        self._completing = True
        from uid2_desk.ui.common.ticker import SecondTicker
        from uid2_desk.ui.window.deferred_walkthrough import DeferredWalkthrough
        from uid2_desk.ui.window.earlier_action import install_earlier_sessions
        from uid2_desk.ui.window.handlers import DeskHandlers
        from uid2_desk.ui.window.walkthrough_links import WalkthroughLinks
        from uid2_desk.ui.window.window_panels import build_panels
        from uid2_desk.ui.window.window_wiring import wire_window

        # Built out of sight, then shown: showing lays the whole body out at once, at its
        # final size, as when the window is built whole (panels added to a body on screen
        # would be laid out small first; a word-wrapped label then keeps a needless
        # scroll bar).
        on_screen = self._body.isVisible()
        if on_screen:
            self._body.hide()
        panels = build_panels(self._frame, self)
        self.log_model: ExchangeLogModel = panels.log_model
        self.users: UsersPanel = panels.users
        self.identity: IdentityPanel = panels.identity
        self.log_panel: ExchangeLogPanel = panels.log_panel
        self.inspector: ExchangeInspector = panels.inspector
        if on_screen:
            self._body.show()
        self.setTabOrder(self.sign_in.button, self.users.view)
        self.setTabOrder(self.users.view, self.log_panel.search)
        self.ticker: SecondTicker = SecondTicker(self.clock, self)
        links = WalkthroughLinks(self.show_failure, self.users.select_user, self.open_entry)
        self.deferred_walkthrough: DeferredWalkthrough = DeferredWalkthrough(self, links)
        self.handlers: DeskHandlers = DeskHandlers(
            window=self,
            users=self.users,
            identity=self.identity,
            inspector=self.inspector,
            banner=self.banner,
            parent=self,
        )
        wire_window(self)
        from uid2_desk.ui.window.connect_action import install_connect
        from uid2_desk.ui.window.proxy_action import install_proxy

        self.connect_client = install_connect(
            self, lambda: self.handlers.services, self.bridge.services_ready
        )
        self.earlier_sessions = install_earlier_sessions(self, self.handlers, self.closing)
        self.proxy_control = install_proxy(
            self, self, lambda: self.handlers.services, self.bridge.services_ready,
            lambda why: self.banner.show_message("error", "Proxy", why),
        )  # fmt: skip
        self.is_complete = True
        if on_screen:
            self.await_whole_paint(self._body)

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
            browser_held=snapshot is not None and snapshot.browser_held,
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

    def open_entry(self, seq: int) -> None:
        """Show journal entry ``seq``: select it in the log, else open it in the inspector."""
        self.log_model.flush()
        if not self.log_panel.select_seq(seq):
            self.handlers.show_entry(seq)

    def lifetimes_chosen(self, index: int) -> None:
        """The person picked the lifetimes profile at ``index``."""
        value = self.lifetimes_combo.itemData(index)
        if isinstance(value, str):
            self.lifetimes_requested.emit(value)

    # --- after the paints (see PaintMilestones) -------------------------------------------
    def _after_first_paint(self) -> None:
        self.complete()
        self.desk_actions.describe()
        self.update_actions()

    def _after_whole_paint(self) -> None:
        # The hidden Walkthrough dock, once what is seen is all there.
        self.deferred_walkthrough.build()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Stop ticking and let the composition root close the services."""
        if self.is_complete:
            self.ticker.stop()
            self.handlers.runner.cancel_all()
            self.handlers.lookups.cancel_all()
        self.closing.emit()
        super().closeEvent(event)
