"""The slots that need what only the local operator offers: opt-outs and the demo buyer.

On other environments opting out is the opt-out portal's job, and Send to SSP shows only the
OpenRTB snippet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.ui.window.handler_context import HandlerContext

if TYPE_CHECKING:
    from uid2_desk.publisher.bid import BidResult


class LocalOperatorActions(HandlerContext):
    """Opt the selected user out, and send their token to the (local) SSP."""

    def opt_out(self) -> None:
        """Local operator: record an opt-out for the selected user now."""
        services = self._ready()
        snapshot = self._selected()
        if services is None or snapshot is None:
            return
        if services.local_admin is None:
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

        # Through the stage, which journals the opt-out (the log, the diagram and the report
        # then show why the next refresh answers optout).
        self.runner.run("Opt out", services.stage().opt_out(snapshot.user.id), done)

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
        self.mask_changed.connect(dialog.set_masked)
        dialog.show()
        buyer = services.buyer
        if buyer is None:
            return
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
                dialog.show_bid(result)

        self.runner.run("Send to SSP", bid(), render)
