"""The four panels the desk window builds once its frame has painted.

Test users, identity, exchange log and exchange inspector, each created inside its card (see
:mod:`~uid2_desk.ui.window.window_frame` for why inside), with the log's model. Imported when
the window completes, not before its first paint.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject

from uid2_desk.ui.identity.identity_panel import IdentityPanel
from uid2_desk.ui.identity.users_panel import UsersModel, UsersPanel
from uid2_desk.ui.log.exchange_inspector import ExchangeInspector
from uid2_desk.ui.log.log_model import ExchangeLogModel
from uid2_desk.ui.log.log_panel import ExchangeLogPanel
from uid2_desk.ui.window.window_frame import DeskFrame


@dataclass(frozen=True, slots=True)
class DeskPanels:
    """What :func:`build_panels` made.

    Attributes:
        log_model: the exchange log's rows.
        users, identity, log_panel, inspector: the panels, each in its card.
    """

    log_model: ExchangeLogModel
    users: UsersPanel
    identity: IdentityPanel
    log_panel: ExchangeLogPanel
    inspector: ExchangeInspector


def build_panels(frame: DeskFrame, owner: QObject) -> DeskPanels:
    """Create the four panels inside ``frame``'s cards; ``owner`` owns the two models."""
    log_model = ExchangeLogModel(owner)
    users = UsersPanel(UsersModel(owner), frame.users_box)
    frame.users_box.add(users)
    identity = IdentityPanel(frame.identity_box)
    frame.identity_box.add(identity)
    log_panel = ExchangeLogPanel(log_model, frame.log_box)
    frame.log_box.add(log_panel)
    inspector = ExchangeInspector(frame.inspector_box)
    frame.inspector_box.add(inspector)
    return DeskPanels(
        log_model=log_model,
        users=users,
        identity=identity,
        log_panel=log_panel,
        inspector=inspector,
    )
