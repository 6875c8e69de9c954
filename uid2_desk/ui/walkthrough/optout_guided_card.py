"""The opt-out lab's guided controls (local operator): an address to sign in, "Opt out now",
the two ways to refresh, the user's state, the stage's caption and the last failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from uid2_desk.ui.common.look import Badge, Card, PrimaryButton, set_colours
from uid2_desk.ui.common.theme import ERROR_TEXT, HINT_TEXT, state_swatch
from uid2_desk.ui.walkthrough.caption_view import CaptionView

if TYPE_CHECKING:
    from uid2_desk.publisher.model import UserSnapshot

#: Shown instead of the guided walk when the desk is not on the local operator.
REMOTE_HINT = (
    "Opting a user out on demand needs the embedded local operator. Here, sign in a "
    "test identity below, or a test address you opted out at the UID2 opt-out portal, "
    "then wait and poll: a real opt-out takes minutes to reach refresh."
)


class GuidedControls(Card):
    """The controls; the lab connects the buttons and renders into them.

    Attributes:
        address, sign_in_button: the viewer's address and the button that signs it in.
        opt_out_button, refresh_button, auto_button: the guided walk's actions.
        state_badge: the lab user's state.
        caption: what the current stage shows.
        error: the last failure of the lab.
        hint: why the guided walk needs the local operator (shown only without one).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Guided opt-out (local operator)", parent)
        self.address = QLineEdit(self)
        self.address.setObjectName("optout_address")
        self.address.setAccessibleName("Viewer's email address")
        self.sign_in_button = QPushButton("Sign in", self)
        self.opt_out_button = PrimaryButton("Opt out now", self)
        self.opt_out_button.setObjectName("primary_button")
        self.refresh_button = QPushButton("Refresh now", self)
        self.auto_button = QPushButton("Let the automatic policy refresh", self)
        self.state_badge = Badge(self)
        self.state_badge.setObjectName("optout_state")
        self.caption = CaptionView(self)
        self.error = QLabel("", self)
        self.error.setObjectName("sign_in_error")
        self.error.setWordWrap(True)
        set_colours(self.error, text=ERROR_TEXT)
        self.hint = QLabel(REMOTE_HINT, self)
        self.hint.setObjectName("panel_hint")
        self.hint.setWordWrap(True)
        set_colours(self.hint, text=HINT_TEXT)
        row = QHBoxLayout()
        row.addWidget(self.address, 1)
        row.addWidget(self.sign_in_button)
        buttons = QHBoxLayout()
        for button in (self.opt_out_button, self.refresh_button, self.auto_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.state_badge)
        self.body.addLayout(row)
        self.body.addLayout(buttons)
        self.body.addWidget(self.hint)
        self.body.addWidget(self.error)
        self.body.addWidget(self.caption)

    def show_user_state(self, snapshot: UserSnapshot | None) -> None:
        """The badge: the lab user's label and state, hidden without a user."""
        if snapshot is None:
            self.state_badge.clear()
            return
        swatch = state_swatch(snapshot.state.value)
        label = f"{snapshot.user.label}: {swatch.label}"
        self.state_badge.set_badge(label, swatch.background, swatch.foreground)
        self.state_badge.show()
