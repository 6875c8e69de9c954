"""The slots that act on a test user's identity: sign in, refresh, validate, log out...

Each reads the selected user, hands one publisher coroutine to the runner and renders what it
returns; the publisher decides everything about UID2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from uid2_desk.ui.window.handler_context import HandlerContext

if TYPE_CHECKING:
    from uid2_desk.protocol.normalize import DiiKind
    from uid2_desk.publisher.model import UserSnapshot


class IdentityActions(HandlerContext):
    """Sign-in and the identity life cycle of the selected user."""

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

    def sign_in_client_side(self, kind: DiiKind, raw: str, device: str) -> None:
        """Sign a test user in on the device, as the app's UID2 SDK does (CSTG, then automatic)."""
        from uid2_desk.publisher.device_sign_in import sign_in_as_sdk

        services = self._ready()
        if services is None or not self._may_call():
            return
        coroutine = sign_in_as_sdk(services.publisher, kind, raw, device)
        self.runner.run("Sign in client-side", coroutine, self._show_signed_in)

    def edit_cstg_site(self) -> None:
        """Show the client-side site dialog; save what the person changed."""
        from uid2_desk.ui.window.cstg_dialog import CstgSiteDialog

        services = self._ready()
        if services is None:
            return
        dialog = CstgSiteDialog(services.cstg_site(), self._window)

        def saved(_none: None) -> None:
            self._banner.show_message("info", "Client-side site saved", dialog.edited().summary)

        def done(result: int) -> None:
            if result == dialog.DialogCode.Accepted:
                self.runner.run(
                    "Save the client-side site", services.save_cstg_site(dialog.edited()), saved
                )
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

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
        """Refresh the selected user's identity now (not while a web page's client holds it)."""
        snapshot = self._selected()
        if snapshot is not None and snapshot.browser_held:
            from uid2_desk.publisher.handoff import HELD_REFRESH

            self._banner.show_message("info", "Refresh not sent", HELD_REFRESH)
            return
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
