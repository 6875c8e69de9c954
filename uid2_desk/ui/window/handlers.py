"""The slots behind the desk's actions: each calls one service coroutine and renders it.

Nothing here decides anything about UID2: the publisher does. A slot reads what the person
selected, hands one coroutine to the :class:`~uid2_desk.ui.common.tasks.TaskRunner` (which greys
the actions while it runs, reports failures to the banner and restores the UI however it
ends), and renders the result. Look-ups that only feed a view (the full journal entry for the
inspector, the decrypted token) go through a second runner, so they never grey the actions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from uid2_desk.journal import JournalEntry
    from uid2_desk.protocol.normalize import DiiKind
    from uid2_desk.protocol.tokens import AdvertisingTokenContents
    from uid2_desk.publisher.bid import BidResult
    from uid2_desk.publisher.model import UserSnapshot
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.identity.identity_panel import IdentityPanel
    from uid2_desk.ui.identity.users_panel import UsersPanel
    from uid2_desk.ui.log.exchange_inspector import ExchangeInspector
    from uid2_desk.ui.window.banner import Banner


class DeskHandlers(QObject):
    """Slots for every action of the window.

    Signals:
        production_confirmed(): the person agreed to call a production operator.

    Attributes:
        services: the running services, or ``None`` before start-up finished.
        runner: runs the actions (its ``busy`` greys them).
        lookups: runs view look-ups (never greys anything).
        production_ok: whether calls to a production operator were confirmed.
        masked: whether tokens are hidden on screen.
    """

    production_confirmed = Signal()

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
        super().__init__(parent)
        self.services: DeskServices | None = None
        self.runner = TaskRunner(self)
        self.lookups = TaskRunner(self)
        self.production_ok = False
        self.masked = False
        self._window = window
        self._users = users
        self._identity = identity
        self._inspector = inspector
        self._banner = banner
        self._token_inspected: str | None = None

    # --- helpers -----------------------------------------------------------------------------
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
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.warning(
            self._window,
            "Call a production operator?",
            f"This desk is connected to {services.environment.display_name}.\n\n"
            "Every call reaches the real UID2 production service with your real credentials. "
            "Use test identities only.\n\nContinue?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.production_ok = True
        self.production_confirmed.emit()
        return True

    # --- actions -----------------------------------------------------------------------------
    def sign_in(self, kind: DiiKind, raw: str, send_raw: bool) -> None:
        """Sign a test user in."""
        services = self._ready()
        if services is None or not self._may_call():
            return
        self.runner.run(
            "Sign in",
            services.publisher.sign_in(kind, raw, send_raw=send_raw),
            self._show_signed_in,
        )

    def _show_signed_in(self, snapshot: UserSnapshot) -> None:
        self._users.model.upsert(snapshot)
        self._users.select_user(snapshot.user.id)
        if str(snapshot.state) == "opted_out":
            self._banner.show_message(
                "info",
                "Opted out",
                f"The operator answered optout for {snapshot.user.label}: no token may be "
                "generated for this user.",
            )

    def refresh(self) -> None:
        """Refresh the selected user's identity now."""
        self._on_selected("Refresh", lambda s, u: s.publisher.refresh(u), self._users.model.upsert)

    def validate(self) -> None:
        """Ask the operator whether the token belongs to the user's DII."""
        snapshot = self._selected()

        def said(valid: bool) -> None:
            label = "?" if snapshot is None else snapshot.user.label
            if valid:
                self._banner.show_message(
                    "info", "Validate", f"The operator confirms the token belongs to {label}."
                )
            else:
                self._banner.show_message(
                    "warning", "Validate", f"The operator says the token does NOT match {label}."
                )

        self._on_selected("Validate", lambda s, u: s.publisher.validate(u), said)

    def log_out(self) -> None:
        """Forget the selected user's identity."""
        self._on_selected("Log out", lambda s, u: s.publisher.log_out(u), self._users.model.upsert)

    def user_returns(self) -> None:
        """The selected user comes back to the site."""
        self._on_selected(
            "User returns", lambda s, u: s.publisher.user_returns(u), self._users.model.upsert
        )

    def remove_user(self) -> None:
        """Remove the selected user from the desk."""
        snapshot = self._selected()
        if snapshot is None:
            return
        user_id = snapshot.user.id
        self._on_selected(
            "Remove user",
            lambda s, u: s.publisher.remove_user(u),
            lambda _none: self._users.model.remove(user_id),
            calls_operator=False,
        )

    def set_auto_refresh(self, on: bool) -> None:
        """Switch the selected user between the automatic and the manual policy."""
        self.set_policy("automatic" if on else "manual")

    def set_policy(self, policy: str) -> None:
        """Give the selected user the refresh policy named ``policy``."""
        snapshot = self._selected()
        if snapshot is None or str(snapshot.policy) == policy:
            return
        from uid2_desk.publisher.refresh.policy import PolicyKind

        kind = PolicyKind(policy)
        self._on_selected(
            "Refresh policy",
            lambda s, u: s.publisher.set_policy(u, kind),
            self._users.model.upsert,
            calls_operator=False,
        )

    def opt_out(self) -> None:
        """Local operator: record an opt-out for the selected user now."""
        services = self._ready()
        snapshot = self._selected()
        if services is None or snapshot is None:
            return
        admin = services.local_admin
        if admin is None:
            self._banner.show_message(
                "warning",
                "Opt out",
                "Only the local operator can opt a user out from the desk; on other "
                "environments use the opt-out portal.",
            )
            return
        label = snapshot.user.label

        def done(_none: None) -> None:
            self._banner.show_message(
                "info",
                "Opted out",
                f"The local operator recorded an opt-out for {label}. Generating now answers "
                "optout, and the next refresh of the current identity does too.",
            )

        self.runner.run("Opt out", admin.opt_out(snapshot.user), done)

    def send_to_ssp(self) -> None:
        """Show the OpenRTB snippet for the selected user's token and, locally, the buyer."""
        services = self._ready()
        snapshot = self._selected()
        if services is None or snapshot is None or snapshot.identity is None:
            return
        from uid2_desk.ui.identity.ssp_dialog import SendToSspDialog

        dialog = SendToSspDialog(
            snapshot.user.label,
            snapshot.identity.advertising_token,
            services.environment.scope.name,
            masked=self.masked,
            buyer_available=services.buyer is not None,
            parent=self._window,
        )
        dialog.show()
        buyer = services.buyer
        if buyer is None:
            return
        masked = self.masked
        user_id = snapshot.user.id

        async def bid() -> BidResult | str:
            try:
                return await buyer.bid(user_id)
            except Uid2DeskError as err:
                return str(err)

        import shiboken6

        def render(result: BidResult | str) -> None:
            if not shiboken6.isValid(dialog):
                return  # closed before the buyer answered
            if isinstance(result, str):
                dialog.show_failure(result)
            else:
                dialog.show_bid(result, masked=masked)

        self.runner.run("Send to SSP", bid(), render)

    def export(self, key: str) -> None:
        """Ask where to write the session as ``key`` (har, jsonl, markdown), then write it."""
        services = self._ready()
        if services is None:
            return
        from PySide6.QtWidgets import QFileDialog

        from uid2_desk.journal.redaction import Redaction
        from uid2_desk.ui.window.exports import export_format, export_session

        fmt = export_format(key)
        default = services.data_dir / f"uid2-desk-{services.publisher.session}{fmt.suffix}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self._window, f"Export the session as a {fmt.title}", str(default), fmt.name_filter
        )
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(fmt.suffix)
        # On screen masking is for demos; an export shortens tokens when the screen hides them.
        redaction = Redaction(shorten_tokens=self.masked)

        def done(count: int) -> None:
            self._banner.show_message(
                "info", "Exported", f"{count} entries written to {path} ({fmt.title})."
            )

        self.runner.run(
            f"Export {fmt.title}",
            export_session(services.journal, services.publisher.session, key, path, redaction),
            done,
        )

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

    # --- views -------------------------------------------------------------------------------
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

    def entry_appended(self, entry: JournalEntry) -> None:
        """Follow the clock skew measured by each exchange."""
        exchange = entry.exchange
        if exchange is not None and exchange.clock_skew_ms is not None:
            self._identity.set_skew(exchange.clock_skew_ms)

    def set_masked(self, masked: bool) -> None:
        """Hide or show token values everywhere."""
        self.masked = masked
        self._identity.set_masked(masked)


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
