"""The slots behind the desk's actions: each calls one service coroutine and renders it.

Nothing here decides anything about UID2: the publisher does. A slot reads what the person
selected, hands one coroutine to the :class:`~uid2_desk.ui.common.tasks.TaskRunner` (which greys
the actions while it runs, reports failures to the banner and restores the UI however it
ends), and renders the result. Look-ups that only feed a view (the full journal entry for the
inspector, the decrypted token) go through a second runner, so they never grey the actions.

The slots live by concern: the identity life cycle (:mod:`~uid2_desk.ui.window.identity_actions`),
what only the local operator offers (:mod:`~uid2_desk.ui.window.local_operator_actions`), the
export (:mod:`~uid2_desk.ui.window.export_action`) and the views
(:mod:`~uid2_desk.ui.window.view_updates`), over the state they share
(:mod:`~uid2_desk.ui.window.handler_context`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from uid2_desk.ui.common.tasks import TaskRunner
from uid2_desk.ui.window.export_action import ExportActions
from uid2_desk.ui.window.handoff_actions import HandOffActions
from uid2_desk.ui.window.identity_actions import IdentityActions
from uid2_desk.ui.window.local_operator_actions import LocalOperatorActions
from uid2_desk.ui.window.token_paste_actions import TokenPasteActions
from uid2_desk.ui.window.view_updates import ViewUpdates

if TYPE_CHECKING:
    from uid2_desk.ui.identity.identity_panel import IdentityPanel
    from uid2_desk.ui.identity.users_panel import UsersPanel
    from uid2_desk.ui.log.exchange_inspector import ExchangeInspector
    from uid2_desk.ui.window.banner import Banner


class DeskHandlers(
    IdentityActions,
    HandOffActions,
    LocalOperatorActions,
    TokenPasteActions,
    ExportActions,
    ViewUpdates,
    QObject,
):
    """Slots for every action of the window, one base class per concern.

    Signals:
        production_confirmed(): the person agreed to call a production operator.
        mask_changed(bool): View ▸ Mask tokens changed (open dialogs re-draw).

    Attributes:
        services: the running services, or ``None`` before start-up finished.
        runner: runs the actions (its ``busy`` greys them).
        lookups: runs view look-ups (never greys anything).
        production_ok: whether calls to a production operator were confirmed.
        masked: whether tokens are hidden on screen.
    """

    production_confirmed = Signal()
    mask_changed = Signal(bool)

    def __init__(
        self,
        *,
        window: QWidget,
        users: UsersPanel,
        identity: IdentityPanel,
        inspector: ExchangeInspector,
        banner: Banner,
        parent: QObject | None = None,
    ) -> None:
        QObject.__init__(self, parent)
        self.services = None
        self.runner = TaskRunner(self)
        self.lookups = TaskRunner(self)
        self.production_ok = False
        self.masked = False
        self._window = window
        self._users = users
        self._identity = identity
        self._inspector = inspector
        self._banner = banner
        self._token_inspected = None
        self._production_confirmed = self.production_confirmed.emit
