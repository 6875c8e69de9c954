"""Qt start-up of the desk window: the application, where the window goes, and waiting.

Helpers of the composition root (:mod:`uid2_desk.app`) that need Qt: making the application
look like the desk before anything paints, placing the window, running Qt's own loop until
the window has painted or until modules have loaded on a worker thread (so the window
answers meanwhile), and reporting the peak RSS for the benchmarks.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QApplication, QWidget

    from uid2_desk.ui.window.desk_app import DeskApp
    from uid2_desk.ui.window.main_window import DeskWindow

log = logging.getLogger(__name__)


def report_peak_rss() -> None:
    """For benchmarks: print this process's peak resident set size."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"uid2-desk: peak-rss-kib {peak_kib}", flush=True)


def desk_application(factory: type[QApplication]) -> QApplication:
    """The desk's Qt application: Fusion, its palette and icon, quit by the desk itself."""
    from PySide6.QtGui import QIcon

    from uid2_desk.ui.common.look import apply_desk_palette
    from uid2_desk.ui.common.theme import icon_path

    existing = factory.instance()
    if isinstance(existing, factory):
        app = existing
        app.setStyle("Fusion")
    else:
        # Qt's own ``-style`` argument: ``setStyle()`` would hand Python a QStyle, whose
        # eleven enums (570 members) take ~13 ms to create before the first paint.
        app = factory([*sys.argv[:1], "-style", "Fusion"])
    app.setApplicationName("UID2 Desk")
    # No application display name: Qt would append it to every window title on X11 and
    # Wayland ("UID2 Desk — Local operator — UID2 Desk"); the title already names the app.
    app.setDesktopFileName("uid2-desk")
    # The desk closes its services itself when the window closes, then leaves the loop.
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(QIcon(str(icon_path("uid2-desk"))))
    # A palette, not an application style sheet (see uid2_desk.ui.common.look).
    apply_desk_palette(app)
    return app


def place(window: QWidget) -> None:
    """1366×768 or the screen's available area, whichever is smaller."""
    screen = window.screen()
    area = screen.availableGeometry() if screen is not None else None
    width, height = 1366, 768
    if area is not None:
        width, height = min(width, area.width()), min(height, area.height())
    window.resize(width, height)


def import_off_the_gui_thread(names: tuple[str, ...], poll_ms: int) -> None:
    """Import ``names`` on a worker thread while Qt's loop keeps the window answering.

    A module that fails to import here is left out of ``sys.modules`` and the others are
    still imported; the failure is logged, and raised again by the GUI thread's own import
    of that module, later, in the same place as without this preloading.
    """
    import threading
    from importlib import import_module

    from PySide6.QtCore import QEventLoop, QTimer

    def load() -> None:
        for name in names:
            try:
                import_module(name)
            except Exception:  # the GUI thread's own import raises it again, where it is handled
                log.debug("preloading %s failed", name, exc_info=True)

    worker = threading.Thread(target=load, name="uid2-desk-imports", daemon=True)
    worker.start()
    waiter = QEventLoop()
    poll = QTimer()
    poll.setInterval(poll_ms)
    poll.timeout.connect(lambda: None if worker.is_alive() else waiter.quit())
    poll.start()
    waiter.exec()
    poll.stop()


def wait_until(signal: SignalInstance, timeout_ms: int, *, unless: SignalInstance) -> bool:
    """Run Qt's own loop until ``signal`` (True), or ``unless`` or ``timeout_ms`` (False)."""
    from PySide6.QtCore import QEventLoop, QTimer

    emitted: list[bool] = []
    waiter = QEventLoop()

    def arrived() -> None:
        emitted.append(True)
        waiter.quit()

    signal.connect(arrived)
    unless.connect(waiter.quit)
    QTimer.singleShot(timeout_ms, waiter.quit)
    waiter.exec()
    signal.disconnect(arrived)
    unless.disconnect(waiter.quit)
    return bool(emitted)


class EarlyRequests:
    """What the person asks of the desk window before the desk behind it exists.

    The window answers from its first paint on, while the services' modules load; closing
    it or asking for the environments dialog then would reach no one. Start-up reads these
    flags, and hands them over once the desk is built (:meth:`hand_over`).

    Attributes:
        closed: the window was closed.
        environments: the environments and credentials dialog was asked for.
    """

    def __init__(self, window: DeskWindow) -> None:
        self.closed = False
        self.environments = False
        self._window = window
        window.closing.connect(self._on_closing)
        window.environments_requested.connect(self._on_environments)

    def stop_listening(self) -> None:
        """Nothing asked from now on is kept."""
        self._window.closing.disconnect(self._on_closing)
        self._window.environments_requested.disconnect(self._on_environments)

    def hand_over(self, desk: DeskApp) -> None:
        """``desk`` answers from now on: it listens to the window already, so only now does
        this stop, and what was asked until now is passed on. (A close in a gap between
        the two, from SIGTERM's handler, which runs between any two lines, would reach no
        one: the desk would open its services and wait for a close that came already.)"""
        self.stop_listening()
        if self.closed:
            desk.window_closed()
        elif self.environments:  # (no dialog for a window that closed)
            desk.open_environments()

    def _on_closing(self) -> None:
        self.closed = True

    def _on_environments(self) -> None:
        self.environments = True
