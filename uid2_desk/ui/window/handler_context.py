"""What every group of the window's action slots shares: services, runners, the selection.

The slots themselves live by concern (:mod:`~uid2_desk.ui.window.identity_actions`,
:mod:`~uid2_desk.ui.window.local_operator_actions`, :mod:`~uid2_desk.ui.window.export_action`,
:mod:`~uid2_desk.ui.window.view_updates`); :class:`~uid2_desk.ui.window.handlers.DeskHandlers`
combines them and sets the attributes declared here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QWidget

    from uid2_desk.publisher.model import UserSnapshot
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.common.tasks import TaskRunner
    from uid2_desk.ui.identity.identity_panel import IdentityPanel
    from uid2_desk.ui.identity.users_panel import UsersPanel
    from uid2_desk.ui.log.exchange_inspector import ExchangeInspector
    from uid2_desk.ui.window.banner import Banner


class HandlerContext:
    """The state and helpers the action slots share (set up by ``DeskHandlers``).

    Attributes:
        services: the running services, or ``None`` before start-up finished.
        runner: runs the actions (its ``busy`` greys them).
        lookups: runs view look-ups (never greys anything).
        production_ok: whether calls to a production operator were confirmed.
        masked: whether tokens are hidden on screen.
    """

    services: DeskServices | None
    runner: TaskRunner
    lookups: TaskRunner
    production_ok: bool
    masked: bool
    #: Emitted with the new value when View ▸ Mask tokens changes (open dialogs follow it).
    mask_changed: SignalInstance
    _window: QWidget
    _users: UsersPanel
    _identity: IdentityPanel
    _inspector: ExchangeInspector
    _banner: Banner
    _token_inspected: str | None
    #: The open hand-off dialog, if any (kept alive while shown).
    handoff_dialog: QWidget | None = None
    #: Called once the person agreed to call a production operator.
    _production_confirmed: Callable[[], None]

    def _selected(self) -> UserSnapshot | None:
        user_id = self._users.selected_user_id()
        return None if user_id is None else self._users.model.snapshot(user_id)

    def _ready(self) -> DeskServices | None:
        if self.services is None:
            self._banner.show_message(
                "info", "Not ready yet", "The desk is still starting; try again in a moment."
            )
        return self.services

    def _may_call(self) -> bool:
        """Ask once before the first call to a production operator."""
        services = self.services
        if services is None or not services.environment.is_production or self.production_ok:
            return True
        from uid2_desk.ui.window.production_confirm import confirm_production

        if not confirm_production(
            self._window,
            f"This desk is connected to {services.environment.display_name}.",
            "Every call reaches the real UID2 production service with your real credentials. "
            "Use test identities only.",
        ):
            return False
        self.production_ok = True
        self._production_confirmed()
        return True

    def _on_selected(
        self,
        what: str,
        call: Any,
        render: Any,
        *,
        calls_operator: bool = True,
    ) -> None:
        services = self._ready()
        snapshot = self._selected()
        if services is None:
            return
        if snapshot is None:
            self._banner.show_message("info", what, "Select a test user first.")
            return
        if calls_operator and not self._may_call():
            return
        self.runner.run(what, call(services, snapshot.user.id), render)
