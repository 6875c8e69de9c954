"""The slot that exports the session to a file the person picks (HAR, JSONL, Markdown)."""

from __future__ import annotations

from pathlib import Path

from uid2_desk.ui.window.handler_context import HandlerContext


class ExportActions(HandlerContext):
    """File ▸ Export: ask where (the last folder used, else Documents), then write the session.

    Attributes:
        _last_export_folder: where the previous export went (this run of the desk).
    """

    _last_export_folder: Path | None = None

    def export(self, key: str) -> None:
        """Ask where to write the session as ``key`` (har, jsonl, markdown), then write it."""
        services = self._ready()
        if services is None:
            return
        from PySide6.QtWidgets import QFileDialog

        from uid2_desk.journal.redaction import Redaction
        from uid2_desk.ui.window.exports import (
            default_export_folder,
            export_format,
            export_session,
        )

        fmt = export_format(key)
        folder = default_export_folder(self._last_export_folder)
        default = folder / f"uid2-desk-{services.publisher.session}{fmt.suffix}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self._window, f"Export the session as a {fmt.title}", str(default), fmt.name_filter
        )
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(fmt.suffix)
        self._last_export_folder = path.parent  # the next export opens there
        # On screen masking is for demos; an export shortens tokens when the screen hides them.
        redaction = Redaction(shorten_tokens=self.masked)

        def done(written: str) -> None:
            self._banner.show_message("info", "Exported", f"{path} ({fmt.title}): {written}.")

        self.runner.run(
            f"Export {fmt.title}",
            export_session(services.journal, services.publisher.session, key, path, redaction),
            done,
        )
