"""File ▸ Earlier sessions…: browse the journal's sessions and reopen one read-only.

:func:`install_earlier_sessions` adds the action to the File menu once the window is
complete. The list and every page of a reopened session are read on the running desk's
journal reader threads (:meth:`~uid2_desk.journal.AsyncJournal.read`), never on the GUI
thread. One window per reopened session: asking again brings it forward; a closed one is gone
and is built again. Each follows View ▸ Mask tokens, as the desk window does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from uid2_desk.protocol.errors import InputError
from uid2_desk.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from uid2_desk.journal import Journal
    from uid2_desk.journal.sessions import SessionInfo
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.earlier.session_window import EarlierSessionWindow
    from uid2_desk.ui.earlier.sessions_dialog import EarlierSessionsDialog


class _Desk(Protocol):
    """What the list and the sessions need of the desk: its services and its masking."""

    @property
    def services(self) -> DeskServices | None: ...

    masked: bool
    mask_changed: SignalInstance


class EarlierSessions(QObject):
    """The window's *Earlier sessions…* action, its list and the sessions reopened.

    They all close with the desk window (its ``closing`` signal).

    Attributes:
        action: File ▸ Earlier sessions….
        dialog: the list, once opened.
        windows: the reopened sessions' windows, by session id.
    """

    def __init__(self, window: QMainWindow, desk: _Desk) -> None:
        super().__init__(window)
        self._window = window
        self._desk = desk
        self.reads = TaskRunner(window)
        self.dialog: EarlierSessionsDialog | None = None
        self.windows: dict[str, EarlierSessionWindow] = {}
        self.action = QAction("&Earlier sessions…", window)
        self.action.setObjectName("action_earlier_sessions")
        # Through the property: setShortcut() would create the Qt enums before first paint.
        self.action.setProperty("shortcut", "Ctrl+O")
        self.action.setStatusTip("Browse this data folder's earlier sessions and reopen one")
        self.action.triggered.connect(self.open_list)
        self.reads.failed.connect(self._list_failed)

    async def read(self, fn: Callable[[Journal], Any]) -> Any:
        """Run ``fn`` on a reader thread of the running desk's journal."""
        services = self._desk.services
        if services is None or services.journal.closed:
            raise InputError(
                "The desk's journal is not open (the desk is starting or restarting); "
                "try again in a moment."
            )
        return await services.journal.read(fn)

    def open_list(self) -> EarlierSessionsDialog:
        """Show the list of sessions (read off the GUI thread, shown when it arrives)."""
        from uid2_desk.ui.earlier.sessions_dialog import EarlierSessionsDialog

        services = self._desk.services
        live = None if services is None else services.publisher.session
        if self.dialog is not None:
            self.dialog.close()
        dialog = self.dialog = EarlierSessionsDialog(live, self._window)
        dialog.open_requested.connect(self.reopen)
        dialog.show()
        self.reads.run(
            "Read the sessions", self.read(lambda j: j.session_infos()), dialog.show_sessions
        )
        return dialog

    def reopen(self, info: SessionInfo) -> EarlierSessionWindow | None:
        """Open ``info`` read-only in a window of its own (the live one: the desk window)."""
        from uid2_desk.ui.earlier.session_window import EarlierSessionWindow

        services = self._desk.services
        if services is not None and info.session == services.publisher.session:
            self.back_to_live()
            return None
        shown = self.windows.get(info.session)
        if shown is None:
            shown = EarlierSessionWindow(info, self.read, self._window)
            shown.set_masked(self._desk.masked)
            self._desk.mask_changed.connect(shown.set_masked)
            shown.back_requested.connect(self.back_to_live)
            session = info.session
            shown.destroyed.connect(lambda *_: self.windows.pop(session, None))
            self.windows[info.session] = shown
            shown.start()
        shown.show()
        shown.raise_()
        shown.activateWindow()
        return shown

    def close_all(self) -> None:
        """Close the list and every earlier session (the desk window is closing)."""
        self.reads.cancel_all()
        for shown in [self.dialog, *self.windows.values()]:
            if shown is not None:
                shown.close()

    def _list_failed(self, _what: str, message: str) -> None:
        if self.dialog is not None:
            self.dialog.show_failure(message)

    def back_to_live(self) -> None:
        """Bring the live desk window forward."""
        self._window.raise_()
        self._window.activateWindow()


def install_earlier_sessions(
    window: QMainWindow, desk: _Desk, closing: SignalInstance
) -> EarlierSessions:
    """Add *Earlier sessions…* at the top of the window's File menu (or to the window).

    ``closing`` (the desk window's) closes the list and the earlier sessions with it.
    """
    earlier = EarlierSessions(window, desk)
    closing.connect(earlier.close_all)
    menu = next(
        (a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File"),
        None,
    )
    if isinstance(menu, QMenu) and menu.actions():
        first = menu.actions()[0]
        menu.insertAction(first, earlier.action)
        menu.insertSeparator(first)
    else:
        window.addAction(earlier.action)
    return earlier
