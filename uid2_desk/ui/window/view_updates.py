"""The slots that only feed the views: the selected user, the inspector, masking.

Look-ups here (the full journal entry, the decrypted token) go through the ``lookups`` runner,
so they never grey the actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.ui.window.handler_context import HandlerContext

if TYPE_CHECKING:
    from collections.abc import Sequence

    from uid2_desk.journal import JournalEntry
    from uid2_desk.protocol.tokens import AdvertisingTokenContents
    from uid2_desk.publisher.model import UserSnapshot
    from uid2_desk.services import DeskServices


class ViewUpdates(HandlerContext):
    """Keep the identity panel and the inspector showing what is selected."""

    def show_user(self, user_id: str | None) -> None:
        """Show the selected user and, on the local operator, decrypt their token."""
        snapshot = None if user_id is None else self._users.model.snapshot(user_id)
        self._identity.show_snapshot(snapshot)
        self.inspect_token(snapshot)

    def user_changed(self, snapshot: UserSnapshot) -> None:
        """A snapshot changed: update the list, and the panel when it is the one shown."""
        self._users.model.upsert(snapshot)
        if self._users.selected_user_id() == snapshot.user.id:
            self._identity.show_snapshot(snapshot)
            self.inspect_token(snapshot)

    def user_removed(self, user_id: str) -> None:
        """A user is gone: drop the row; clear the panel when it was shown."""
        shown = self._identity.snapshot
        self._users.model.remove(user_id)
        if shown is not None and shown.user.id == user_id:
            self._identity.show_snapshot(None)

    def inspect_token(self, snapshot: UserSnapshot | None) -> None:
        """On the local operator, decrypt the advertising token for the inspector."""
        services = self.services
        identity = None if snapshot is None else snapshot.identity
        token = None if identity is None else identity.advertising_token
        if token is None or token == self._token_inspected:
            return
        self._token_inspected = token
        if services is None or services.operator is None:
            self._identity.set_contents(
                None, "The contents can be decrypted only on the local operator."
            )
            return
        self.lookups.run(
            "Decrypt token", _decrypt_with_operator_keys(services, token), self._show_contents
        )

    def _show_contents(self, contents: AdvertisingTokenContents | None) -> None:
        if contents is None:
            self._identity.set_contents(None, "The local operator's keys could not open it.")
        else:
            self._identity.set_contents(contents)

    def show_entry(self, seq: int | None) -> None:
        """Load the full journal entry for the inspector."""
        services = self.services
        if seq is None or services is None:
            self._inspector.show_entry(None)
            return
        self.lookups.run("Open exchange", services.journal.get(seq), self._inspector.show_entry)

    def entries_appended(self, entries: Sequence[JournalEntry]) -> None:
        """Follow the clock skew measured by the newest exchange that measured one."""
        for entry in reversed(entries):
            exchange = entry.exchange
            if exchange is not None and exchange.clock_skew_ms is not None:
                self._identity.set_skew(exchange.clock_skew_ms, exchange.clock_skew_uncertainty_ms)
                return

    def set_masked(self, masked: bool) -> None:
        """Hide or show tokens, UIDs and keys everywhere they are drawn, open dialogs too."""
        self.masked = masked
        self._identity.set_masked(masked)
        self._inspector.set_masked(masked)
        self.mask_changed.emit(masked)


async def _decrypt_with_operator_keys(
    services: DeskServices, token: str
) -> AdvertisingTokenContents | None:
    """Open the token with the local operator's own keys, off the GUI thread."""
    import asyncio

    from uid2_desk.protocol.tokens import decrypt_advertising_token, key_lookup

    operator = services.operator
    if operator is None:
        return None

    def decrypt() -> AdvertisingTokenContents:
        return decrypt_advertising_token(token, key_lookup(operator.admin.all_keys()))

    try:
        return await asyncio.to_thread(decrypt)
    except Uid2DeskError:
        return None
