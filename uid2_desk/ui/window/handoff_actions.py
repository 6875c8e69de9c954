"""The slot behind "Hand off to a web page": the dialog, the hand-off, the browser.

The publisher's :class:`~uid2_desk.publisher.handoff.HandOffs` decides what a hand-off means
(the desk stops refreshing, follows the browser); this only asks and shows.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from uid2_desk.ui.identity.handoff_dialog import HandOffDialog
from uid2_desk.ui.window.handler_context import HandlerContext


class HandOffActions(HandlerContext):
    """Hands the selected user's identity to the desk's web page."""

    #: Whether "Hand off" opens the page in the system browser (tests turn it off).
    open_browser = True

    def hand_off(self) -> None:
        """Open the hand-off dialog for the selected user."""
        snapshot, services = self._selected(), self._ready()
        if snapshot is None or services is None or snapshot.identity is None:
            return
        handoff = services.handoff
        if handoff is None or handoff.base_url is None:
            self._banner.show_message(
                "warning",
                "Hand off",
                "A web page can only reach the local operator on loopback: start the desk on "
                "the local environment (--operator-mode loopback).",
            )
            return
        user_id = snapshot.user.id
        dialog = HandOffDialog(
            snapshot.user.label,
            snapshot.identity.to_body(),
            handoff.base_url,
            handoff.remembered_script(),
            parent=self._window,
            masked=self.masked,
        )
        self.mask_changed.connect(dialog.set_masked)
        self.handoff_dialog = dialog

        async def go(script: str) -> str:
            handoff.use_script(script)
            return await handoff.hand_off(user_id)

        def handed(url: str) -> None:
            dialog.show_url(url)
            self._users.model.upsert(services.publisher.snapshot(user_id))
            if self.open_browser:
                QDesktopServices.openUrl(QUrl(url))

        dialog.hand_off_requested.connect(
            lambda script: self.runner.run("Hand off", go(script), handed)
        )
        dialog.show()

    def take_back(self) -> None:
        """The desk owns the selected user's identity again (journaled as ``taken_back``)."""
        self._on_selected(
            "Take back",
            lambda s, u: s.publisher.handoffs.take_back(u),
            self._users.model.upsert,
            calls_operator=False,
        )
