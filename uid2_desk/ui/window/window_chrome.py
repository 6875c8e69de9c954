"""The desk window's chrome: the menus, the toolbar and its two choosers.

Built with the window's frame, before its first paint (the toolbar is on screen from the
start); what each action does is wired later, by :mod:`uid2_desk.ui.window.window_wiring`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from uid2_desk.ui.common.look import set_colours
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import TOOLBAR

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

    from uid2_desk.ui.window.actions import DeskActions

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


def chooser(
    name: str, accessible: str, items: tuple[tuple[str, str], ...], parent: QWidget
) -> QComboBox:
    """A combo box of (value, label) ``items``; the value is each item's data."""
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setToolTip(accessible)
    for value, label in items:
        combo.addItem(label, value)
    return combo


def build_menus(window: QMainWindow, actions: DeskActions) -> None:
    """File, User, View, Tools and Environment menus (View ▸ Walkthrough joins its dock)."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([actions.export_har, actions.export_jsonl, actions.export_markdown])
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    user_menu = bar.addMenu("&User")
    user_menu.addActions([actions.sign_in, actions.refresh, actions.validate, actions.log_out])
    user_menu.addSeparator()
    user_menu.addActions(
        [actions.auto_refresh, actions.user_returns, actions.opt_out, actions.send_to_ssp]
    )
    user_menu.addActions([actions.hand_off, actions.take_back])
    user_menu.addSeparator()
    user_menu.addAction(actions.remove_user)
    view_menu = bar.addMenu("&View")
    view_menu.addActions([actions.mask_tokens, actions.find, actions.dismiss])
    tools_menu = bar.addMenu("&Tools")
    tools_menu.addAction(actions.inspect_token)
    env_menu = bar.addMenu("&Environment")
    env_menu.addAction(actions.environments)


class DeskToolbar(QToolBar):
    """The actions' toolbar, with the refresh policy and the lifetimes profile choosers.

    Attributes:
        lifetimes_label: the words before the lifetimes chooser.
    """

    def __init__(
        self, actions: DeskActions, policy: QComboBox, lifetimes: QComboBox, parent: QWidget
    ) -> None:
        super().__init__("Actions", parent)
        self.setObjectName("main_toolbar")
        self.setMovable(False)
        set_colours(self, window=TOOLBAR, fill=True)
        set_enum_properties(self, toolButtonStyle="ToolButtonTextBesideIcon")
        self.addActions([actions.sign_in, actions.refresh, actions.validate, actions.log_out])
        self.addSeparator()
        self.addAction(actions.auto_refresh)
        self.addWidget(policy)
        self.addSeparator()
        self.addActions([actions.opt_out, actions.send_to_ssp])
        self.addSeparator()
        self.lifetimes_label = QLabel(" Lifetimes: ", self)
        self.lifetimes_label.setBuddy(lifetimes)
        self._lifetimes: list[QAction] = [
            self.addWidget(self.lifetimes_label),
            self.addWidget(lifetimes),
        ]
        self.addSeparator()
        self.addAction(actions.mask_tokens)

    def show_lifetimes(self, shown: bool) -> None:
        """Show the lifetimes chooser (the local operator's) or hide it (anywhere else)."""
        for action in self._lifetimes:
            action.setVisible(shown)
