"""Pieces of the Environments dialog: its message labels, the URL shown, the production ask."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.window.production_confirm import confirm_production

if TYPE_CHECKING:
    from uid2_desk.client.environments import Environment

#: The amber of a warning note (written here, as the screenshot tests write it).
WARNING_STYLE = "background:#fffbeb;color:#78350f;border:1px solid #fcd34d;padding:4px"
_LOCAL_PLACEHOLDER = "Embedded: a loopback address chosen when the desk starts"
_CUSTOM_PLACEHOLDER = "https://operator.example.com"


def note_label(parent: QWidget, name: str, *, lines: int, warning: bool = False) -> QLabel:
    """A wrapping, selectable message label that keeps ``lines`` lines of room.

    The room is kept when the text is empty or the label hidden, so messages coming and
    going never move the fields and buttons under the mouse.
    """
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    set_enum_properties(label, textFormat="PlainText", textInteractionFlags="TextSelectableByMouse")
    if warning:
        label.setStyleSheet(f"QLabel#{name}{{{WARNING_STYLE}}}")
    label.setMinimumHeight(label.fontMetrics().lineSpacing() * lines + 10)
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    policy.setVerticalPolicy(QSizePolicy.Policy.Minimum)
    label.setSizePolicy(policy)
    return label


def url_of(value: str, custom_url: str) -> tuple[str, str]:
    """The base URL field's text and placeholder for the environment ``value``.

    A known environment shows its own URL (the field is read-only then); Local says where
    its operator lives; Custom keeps what was typed.
    """
    from uid2_desk.client.environments import KNOWN_ENVIRONMENTS

    if value == "local":
        return "", _LOCAL_PLACEHOLDER
    known = next((e for e in KNOWN_ENVIRONMENTS if e.id == value), None)
    if known is not None and known.base_url:
        return known.base_url, ""
    return custom_url, _CUSTOM_PLACEHOLDER


def confirm_test_call(parent: QWidget, environment: Environment, confirmed: set[str]) -> bool:
    """Ask once per production environment before the connection test calls it."""
    if not environment.is_production or environment.id in confirmed:
        return True
    if not confirm_production(
        parent,
        f"{environment.display_name} is PRODUCTION.",
        "The connection test sends one real request (a token for the test identity "
        "validate@example.com).",
    ):
        return False
    confirmed.add(environment.id)
    return True
