"""Who listens to whom in the desk window: the bridge's news, the actions, the selections.

One function, :func:`wire_window`, called once the window's panels exist; kept apart from
the window so the window's module is its layout and its rendering, and this the wiring.
:class:`WiredWindow` says what the wiring needs of the window, so this module does not import
the window's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QComboBox

    from uid2_desk.services import DeskServices
    from uid2_desk.ui.common.bridge import DeskBridge
    from uid2_desk.ui.common.ticker import SecondTicker
    from uid2_desk.ui.identity.identity_panel import IdentityPanel
    from uid2_desk.ui.identity.sign_in_panel import SignInPanel
    from uid2_desk.ui.identity.users_panel import UsersPanel
    from uid2_desk.ui.log.log_model import ExchangeLogModel
    from uid2_desk.ui.log.log_panel import ExchangeLogPanel
    from uid2_desk.ui.window.actions import DeskActions
    from uid2_desk.ui.window.banner import Banner
    from uid2_desk.ui.window.deferred_walkthrough import DeferredWalkthrough
    from uid2_desk.ui.window.environment_view import EnvironmentStrip
    from uid2_desk.ui.window.handlers import DeskHandlers
    from uid2_desk.ui.window.status_bar import DeskStatusBar


class WiredWindow(Protocol):
    """What :func:`wire_window` connects: the desk window's children and its slots."""

    bridge: DeskBridge
    handlers: DeskHandlers
    desk_actions: DeskActions
    deferred_walkthrough: DeferredWalkthrough
    status: DeskStatusBar
    strip: EnvironmentStrip
    banner: Banner
    sign_in: SignInPanel
    users: UsersPanel
    identity: IdentityPanel
    log_model: ExchangeLogModel
    log_panel: ExchangeLogPanel
    ticker: SecondTicker
    policy_combo: QComboBox
    lifetimes_combo: QComboBox

    @property
    def environments_requested(self) -> SignalInstance:
        """Open the environments and credentials dialog."""
        ...

    def close(self) -> bool:
        """Close the window."""
        ...

    def update_actions(self) -> None:
        """Enable what makes sense now."""
        ...

    def attach_services(self, services: DeskServices) -> None:
        """The services are up."""
        ...

    def show_notice(self, level: str, message: str) -> None:
        """A notice from the core."""
        ...

    def show_failure(self, what: str, message: str) -> None:
        """An action failed."""
        ...

    def show_startup_failure(self, message: str) -> None:
        """Start-up could not finish."""
        ...

    def action_started(self, what: str) -> None:
        """An action began."""
        ...

    def action_settled(self, what: str) -> None:
        """An action ended."""
        ...

    def policy_chosen(self, index: int) -> None:
        """A refresh policy was picked."""
        ...

    def lifetimes_chosen(self, index: int) -> None:
        """A lifetimes profile was picked."""
        ...


def wire_window(window: WiredWindow) -> None:
    """Connect the bridge, the actions and the panels of ``window`` to their slots."""
    _wire_news(window)
    _wire_actions(window)
    _wire_views(window)


def _wire_news(window: WiredWindow) -> None:
    """Core news, through the bridge, to the panels and the Walkthrough dock."""
    b, h = window.bridge, window.handlers
    b.user_changed.connect(h.user_changed)
    b.user_changed.connect(window.update_actions)
    b.user_removed.connect(h.user_removed)
    b.user_removed.connect(window.update_actions)
    b.entries_appended.connect(window.log_model.append_entries)
    b.entries_appended.connect(h.entries_appended)
    b.notice.connect(window.show_notice)
    b.startup_progress.connect(window.status.set_operator)
    b.startup_progress.connect(window.strip.set_detail)
    b.services_ready.connect(window.attach_services)
    b.startup_failed.connect(window.show_startup_failure)
    walkthrough = window.deferred_walkthrough
    b.entries_appended.connect(walkthrough.add_entries)
    b.user_changed.connect(walkthrough.show_user)
    b.services_ready.connect(walkthrough.attach)


def _wire_actions(window: WiredWindow) -> None:
    """Menu, toolbar and shortcut actions to the handlers."""
    a, h = window.desk_actions, window.handlers
    a.sign_in.triggered.connect(window.sign_in.submit)
    window.sign_in.sign_in_requested.connect(h.sign_in)
    window.sign_in.client_sign_in_requested.connect(h.sign_in_client_side)
    window.sign_in.mode_box.site_requested.connect(h.edit_cstg_site)
    a.refresh.triggered.connect(h.refresh)
    a.validate.triggered.connect(h.validate)
    a.log_out.triggered.connect(h.log_out)
    a.user_returns.triggered.connect(h.user_returns)
    a.remove_user.triggered.connect(h.remove_user)
    a.auto_refresh.triggered.connect(h.set_auto_refresh)
    a.opt_out.triggered.connect(h.opt_out)
    a.send_to_ssp.triggered.connect(h.send_to_ssp)
    a.hand_off.triggered.connect(h.hand_off)
    a.take_back.triggered.connect(h.take_back)
    h.mask_changed.connect(window.log_model.set_masked)
    a.mask_tokens.toggled.connect(h.set_masked)
    a.inspect_token.triggered.connect(h.inspect_pasted_token)
    a.find.triggered.connect(window.log_panel.search.setFocus)
    a.dismiss.triggered.connect(window.banner.dismiss)
    a.quit.triggered.connect(window.close)
    a.environments.triggered.connect(window.environments_requested)
    a.export_har.triggered.connect(lambda: h.export("har"))
    a.export_jsonl.triggered.connect(lambda: h.export("jsonl"))
    a.export_markdown.triggered.connect(lambda: h.export("markdown"))
    window.policy_combo.activated.connect(window.policy_chosen)
    window.lifetimes_combo.activated.connect(window.lifetimes_chosen)
    if a.mask_tokens.isChecked():  # toggled on before the window was complete
        h.set_masked(True)


def _wire_views(window: WiredWindow) -> None:
    """Selections between panels, the ticking countdowns, and the action life cycle."""
    h = window.handlers
    window.users.user_selected.connect(h.show_user)
    window.users.user_selected.connect(window.update_actions)
    window.log_panel.entry_selected.connect(h.show_entry)
    window.identity.chain_entry_activated.connect(window.log_panel.select_seq)
    window.ticker.ticked.connect(window.identity.render_at)
    # Grey while an action runs, explain a failure, restore afterwards.
    h.runner.started.connect(window.action_started)
    h.runner.settled.connect(window.action_settled)
    h.runner.failed.connect(window.show_failure)
