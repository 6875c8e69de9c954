"""Tools ▸ Inspect a token: the slot that opens the dialog and reads off the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from uid2_desk.ui.window.handler_context import HandlerContext

if TYPE_CHECKING:
    from uid2_desk.protocol.token_reading import TokenReading
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.identity.paste_token_dialog import PasteTokenDialog


class TokenPasteActions(HandlerContext):
    """Open the one *Inspect a token* dialog and answer its requests."""

    paste_dialog: PasteTokenDialog | None = None

    def inspect_pasted_token(self) -> PasteTokenDialog:
        """Open (or bring up) the dialog; it keeps what was pasted while the desk runs."""
        from uid2_desk.ui.identity.paste_token_dialog import PasteTokenDialog

        dialog = self.paste_dialog
        if dialog is None:
            dialog = PasteTokenDialog(masked=self.masked, parent=self._window)
            dialog.inspect_requested.connect(self._read_pasted)
            self.mask_changed.connect(dialog.set_masked)
            self.paste_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.box.setFocus()
        return dialog

    def _read_pasted(self, text: str) -> None:
        dialog = self.paste_dialog
        if dialog is not None:
            self.lookups.run("Inspect a token", _read(self.services, text), dialog.show_reading)


async def _read(services: DeskServices | None, text: str) -> TokenReading:
    """Read ``text`` in a worker thread, with the local operator's keys when there is one."""
    import asyncio

    from uid2_desk.protocol.token_reading import read_token
    from uid2_desk.protocol.tokens import key_lookup

    operator = None if services is None else services.operator
    if services is None:
        no_keys = "The desk is still starting: its local operator's keys are not ready yet."
    else:
        no_keys = (
            f"The desk holds keys only for its local operator, not for "
            f"{services.environment.display_name}: only the issuing operator can open it."
        )

    def read() -> TokenReading:
        keys = None if operator is None else key_lookup(operator.admin.all_keys())
        return read_token(text, keys, no_keys=no_keys)

    return await asyncio.to_thread(read)
