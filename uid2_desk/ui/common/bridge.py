"""The one bridge from the Qt-free core to Qt: publisher callbacks in, Qt signals out.

The core knows nothing of Qt; it calls ``subscribe`` callbacks. The bridge re-emits each
event as a typed Qt signal, and holds them back until the window has connected its slots
(:meth:`DeskBridge.release`), so nothing said during start-up is lost (qutebrowser's message
bridge does the same). A callback that arrives on another thread is handed to the GUI thread
through a queued signal instead of touching widgets from that thread.

Journal entries travel in batches. An outside client at 200 requests/s makes hundreds of
entries a second, committed in groups; one signal per entry meant one trip through PySide's
signal machinery per entry per slot, and each trip lets the operator's and the journal's
threads take the GIL (bench_gui_load measured it as the GUI thread's largest cost). So the
entries said in one turn of the event loop go out together as one ``entries_appended``; any
other signal first sends the entries said before it, so the order is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

if TYPE_CHECKING:
    from uid2_desk.journal.model import JournalEntry
    from uid2_desk.publisher.model import DeskEvent, JournalBehind
    from uid2_desk.publisher.publisher import Publisher


class DeskBridge(QObject):
    """Turns publisher events and start-up news into Qt signals, buffered until released.

    Signals:
        user_changed(object): a ``UserSnapshot`` changed or appeared.
        user_removed(str): the id of a removed user.
        entries_appended(object): a tuple of ``JournalEntry``, journaled in this order.
        notice(str, str): ``(level, message)`` to show on the banner.
        startup_progress(str): a start-up step, for the status bar.
        services_ready(object): the ``DeskServices`` are up; actions may be enabled.
        startup_failed(str): start-up could not finish; what to do instead.

    Attributes:
        released: whether signals are emitted directly (``True``) or buffered.
    """

    user_changed = Signal(object)
    user_removed = Signal(str)
    entries_appended = Signal(object)
    notice = Signal(str, str)
    startup_progress = Signal(str)
    services_ready = Signal(object)
    startup_failed = Signal(str)
    _from_other_thread = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.released = False
        self._buffer: list[tuple[SignalInstance, tuple[Any, ...]]] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._queued = False
        self._entries: list[JournalEntry] = []
        self._entries_timer: QTimer | None = None

    def attach(self, publisher: Publisher) -> None:
        """Subscribe to ``publisher``'s events (replacing any earlier subscription)."""
        self.detach()
        self._connect_queue()
        self._unsubscribe = publisher.subscribe(self.deliver)

    def _connect_queue(self) -> None:
        # Connected on first need, not in __init__: naming the connection type creates every
        # ``Qt`` enum, which the window's first paint does without (see ``qt_values``).
        if not self._queued:
            from PySide6.QtCore import Qt

            self._from_other_thread.connect(self._replay, Qt.ConnectionType.QueuedConnection)
            self._queued = True

    def detach(self) -> None:
        """Stop listening to the publisher."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def deliver(self, event: DeskEvent) -> None:
        """Publisher callback: translate one event into its signal."""
        from uid2_desk.publisher.model import (
            EntryAppended,
            JournalBehind,
            Notice,
            UserChanged,
            UserRemoved,
        )

        if isinstance(event, UserChanged):
            self.post(self.user_changed, event.snapshot)
        elif isinstance(event, UserRemoved):
            self.post(self.user_removed, event.user_id)
        elif isinstance(event, EntryAppended):
            self.post_entry(event.entry)
        elif isinstance(event, Notice):
            self.post(self.notice, str(event.level), event.message)
        elif isinstance(event, JournalBehind):
            self.post(self.notice, *journal_behind_notice(event))

    def post(self, signal: SignalInstance, *args: Any) -> None:
        """Emit ``signal(*args)`` on the GUI thread, or buffer it until :meth:`release`."""
        from PySide6.QtCore import QThread  # here: nothing is posted before the first paint

        if QThread.currentThread() is not self.thread():
            self._connect_queue()
            self._from_other_thread.emit((signal, args))
            return
        self.flush_entries()  # entries said before this signal go out before it
        self._emit_or_buffer(signal, args)

    def post_entry(self, entry: JournalEntry) -> None:
        """Send ``entry`` with the others said in this turn of the event loop (one signal)."""
        from PySide6.QtCore import QThread

        if QThread.currentThread() is not self.thread():
            self._connect_queue()
            self._from_other_thread.emit((None, (entry,)))
            return
        self._entries.append(entry)
        timer = self._entries_timer
        if timer is None:
            timer = self._entries_timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(0)  # the next turn of the loop: after the rest of the batch
            timer.timeout.connect(self.flush_entries)
        if not timer.isActive():
            timer.start()

    def flush_entries(self) -> None:
        """Send the entries waiting for the next turn of the event loop now."""
        if not self._entries:
            return
        entries, self._entries = tuple(self._entries), []
        if self._entries_timer is not None:
            self._entries_timer.stop()
        self._emit_or_buffer(self.entries_appended, (entries,))

    def _emit_or_buffer(self, signal: SignalInstance, args: tuple[Any, ...]) -> None:
        if not self.released:
            self._buffer.append((signal, args))
            return
        signal.emit(*args)

    def release(self) -> None:
        """The window is wired: emit everything buffered, in order, then emit directly."""
        self.released = True
        buffered, self._buffer = self._buffer, []
        for signal, args in buffered:
            signal.emit(*args)

    def _replay(self, item: tuple[SignalInstance | None, tuple[Any, ...]]) -> None:
        signal, args = item
        if signal is None:
            self.post_entry(*args)
        else:
            self.post(signal, *args)


def journal_behind_notice(event: JournalBehind) -> tuple[str, str]:
    """The notice level and sentence for the journal falling behind or catching up."""
    if event.waiting == 0 and event.dropped == 0:
        return "info", "The journal caught up: every entry is on disk."
    lost = (
        f" {event.dropped} could not be kept (the wait buffer was full)." if event.dropped else ""
    )
    if event.waiting == 0:
        return "warning", f"The journal caught up.{lost}"
    return "warning", (
        f"The journal is behind: {event.waiting} entries wait to be written (the disk may be "
        f"full or another program may lock the file); the desk keeps working and retries.{lost}"
    )
