"""Composition root of the GUI: Qt application, bridge, window, loop, then the services.

Paint first. The window's frame appears before anything it does not need is imported: the
menus, toolbar, environment strip, status bar ("Starting the local operator…"), the five
panels' cards and the sign-in panel paint, then the window completes its other four panels
(:meth:`uid2_desk.ui.main_window.DeskWindow.complete`) and paints again, whole. The qasync
loop, httpx, the operator, the journal and the publisher load after that. What is built
before the first paint is kept to what is seen (see ``uid2_desk.ui.qt_values`` and
``uid2_desk.ui.look``); tests/benchmarks/bench_ui.py measures both paints against a bare
PySide6 window. Then :func:`uid2_desk.services.open_services` starts the desk's parts off
the GUI thread, the bridge subscribes to the publisher, and the window enables itself.
"""

from __future__ import annotations

import argparse
import builtins
import contextlib
import gc
import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QApplication

    from uid2_desk.protocol.clock import Clock
    from uid2_desk.publisher.driver import PolicyDriver
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.bridge import DeskBridge
    from uid2_desk.ui.credentials_flow import CredentialsFlow
    from uid2_desk.ui.main_window import DeskWindow

#: The lifetimes profile the GUI starts the local operator with: a whole lifecycle in
#: five minutes, so the countdowns visibly move (the toolbar switches profiles).
DEFAULT_LIFETIMES = "demo"
#: For benchmarks and smoke tests: quit at ``first-paint`` (once the whole window has painted)
#: or once ``ready``, printing the ``time.monotonic()`` of the frame's first paint and of the
#: whole window's, and the peak RSS, on stdout.
EXIT_WHEN_ENV = "UID2_DESK_EXIT_WHEN"
#: What the services need, imported on a worker thread once the window has painted (~0.4 s
#: of asyncio, qasync, httpx, the operator's server and keyring that would otherwise freeze
#: the window); the GUI thread's later imports of them are then only look-ups.
SERVICE_MODULES = (
    "asyncio",
    "qasync",
    "uid2_desk.settings",
    "uid2_desk.services",
    "uid2_desk.publisher.driver",
    "uid2_desk.ui.credentials_flow",
)
#: How often the GUI thread looks whether those imports are done.
IMPORT_POLL_MS = 10
#: The longest start-up waits for the window to paint before carrying on regardless.
FIRST_PAINT_WAIT_MS = 3000


def run_gui(args: argparse.Namespace) -> int:
    """Open the desk window on ``args.env`` and run until it closes; return the exit code."""
    if getattr(args, "kiosk", False):
        from uid2_desk.ui.kiosk.shell import run_kiosk

        return run_kiosk(args)
    # Start-up makes only objects that live as long as the window (modules, classes,
    # widgets): the cycle collector's passes over them, ~2 % of the time to first paint,
    # would free nothing. It runs again after the first paint, on what comes later.
    gc.disable()
    plain_import = builtins.__import__
    from PySide6.QtWidgets import QApplication

    # PySide replaces ``__import__`` with a hook that reads the whole source of every module
    # imported after it, looking for ``from __feature__ import`` (snake_case and
    # true_property). The desk selects no feature (tests/test_architecture.py keeps it so),
    # so it puts Python's own import back: the window's modules then load ~3 % sooner, and
    # the services' hundreds of modules without their sources kept in ``linecache``.
    builtins.__import__ = plain_import
    from uid2_desk.protocol.clock import WarpClock
    from uid2_desk.ui.bridge import DeskBridge
    from uid2_desk.ui.environment_view import EnvironmentView
    from uid2_desk.ui.main_window import DeskWindow

    app = _application(QApplication)
    clock = WarpClock()
    bridge = DeskBridge()
    view = EnvironmentView.preview(getattr(args, "env", "local"))
    # The frame paints first; the window completes itself right after (see DeskWindow).
    window = DeskWindow(bridge, clock, view, complete=False)
    _place(window)
    window.show()
    if not _wait_until(window.completed):
        print("uid2-desk: the window did not paint within 3 s; carrying on", file=sys.stderr)
    window.complete()  # (if it never painted)
    bridge.release()
    gc.freeze()  # what start-up made stays: later collections need not look at it again
    gc.enable()
    exit_when = os.environ.get(EXIT_WHEN_ENV, "")
    if exit_when:
        print(f"uid2-desk: first-paint-monotonic {window.first_paint_at}", flush=True)
        print(f"uid2-desk: whole-window-monotonic {window.completed_at}", flush=True)
    if exit_when == "first-paint":
        _report_peak_rss()
        return 0
    _import_off_the_gui_thread(SERVICE_MODULES)
    import asyncio

    import qasync

    from uid2_desk.settings import resolve_data_dir

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    desk = DeskApp(
        app=app,
        window=window,
        bridge=bridge,
        clock=clock,
        env=getattr(args, "env", "local"),
        data_dir=data_dir,
        exit_when_ready=exit_when == "ready",
    )
    with loop:
        code: int = loop.run_until_complete(desk.run())
    if exit_when:
        print(f"uid2-desk: ready-monotonic {desk.ready_at}", flush=True)
        _report_peak_rss()
    return code


def _report_peak_rss() -> None:
    """For benchmarks: print this process's peak resident set size."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"uid2-desk: peak-rss-kib {peak_kib}", flush=True)


def _application(factory: type[QApplication]) -> QApplication:
    from PySide6.QtGui import QIcon

    from uid2_desk.ui.look import apply_desk_palette
    from uid2_desk.ui.theme import icon_path

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
    # A palette, not an application style sheet (see uid2_desk.ui.look).
    apply_desk_palette(app)
    return app


def _place(window: DeskWindow) -> None:
    """1366×768 or the screen's available area, whichever is smaller."""
    screen = window.screen()
    area = screen.availableGeometry() if screen is not None else None
    width, height = 1366, 768
    if area is not None:
        width, height = min(width, area.width()), min(height, area.height())
    window.resize(width, height)


def _import_off_the_gui_thread(names: tuple[str, ...]) -> None:
    """Import ``names`` on a worker thread while Qt's loop keeps the window answering.

    A module that fails to import is left out of ``sys.modules``, so the GUI thread's own
    import of it, later, raises the error where it is handled.
    """
    import threading
    from importlib import import_module

    from PySide6.QtCore import QEventLoop, QTimer

    def load() -> None:
        with contextlib.suppress(Exception):
            for name in names:
                import_module(name)

    worker = threading.Thread(target=load, name="uid2-desk-imports", daemon=True)
    worker.start()
    waiter = QEventLoop()
    poll = QTimer()
    poll.setInterval(IMPORT_POLL_MS)
    poll.timeout.connect(lambda: None if worker.is_alive() else waiter.quit())
    poll.start()
    waiter.exec()
    poll.stop()


def _wait_until(signal: SignalInstance) -> bool:
    """Run Qt's own loop until ``signal`` is emitted (or 3 s passed); say whether it was."""
    from PySide6.QtCore import QEventLoop, QTimer

    emitted: list[bool] = []
    waiter = QEventLoop()
    signal.connect(lambda: emitted.append(True))
    signal.connect(waiter.quit)
    QTimer.singleShot(FIRST_PAINT_WAIT_MS, waiter.quit)
    waiter.exec()
    return bool(emitted)


class DeskApp:
    """Starts, restarts and stops the services behind one window.

    Attributes:
        window: the desk window.
        bridge: the core-to-Qt bridge.
        clock: the desk clock before the services exist.
        env: the environment name or URL.
        lifetimes: the local operator's lifetimes profile.
        services: the running services, if any.
        driver: the policy driver ticking the publisher, if running.
        ready_at: ``time.monotonic()`` when the services first came up (benchmarks).

    ``drive_policies=False`` leaves ticking to the caller (tests advance a fake clock and
    call ``publisher.tick()``); ``in_process_operator`` mounts the operator in the HTTP
    client instead of serving it on a loopback port.
    """

    def __init__(
        self,
        *,
        app: QApplication,
        window: DeskWindow,
        bridge: DeskBridge,
        clock: Clock,
        env: str,
        data_dir: os.PathLike[str] | str,
        exit_when_ready: bool = False,
        drive_policies: bool = True,
        in_process_operator: bool = False,
    ) -> None:
        from pathlib import Path

        self.app = app
        self.window = window
        self.bridge = bridge
        self.clock = clock
        self.env = env
        self.data_dir = Path(data_dir)
        self.lifetimes = DEFAULT_LIFETIMES
        self.services: DeskServices | None = None
        self.driver: PolicyDriver | None = None
        self._exit_when_ready = exit_when_ready
        self.ready_at: float | None = None
        self._drive_policies = drive_policies
        self._in_process = in_process_operator
        self._closed: asyncio.Future[None] | None = None
        self._session: str | None = None
        self._credentials: CredentialsFlow | None = None
        self._confirmed_production: set[str] = set()
        window.environments_requested.connect(self.open_environments)
        window.lifetimes_requested.connect(self._on_lifetimes)
        window.closing.connect(self._on_closing)
        window.handlers.production_confirmed.connect(self._start_driver)

    async def run(self) -> int:
        """Start the services, serve until the window closes, stop them; return 0."""
        import asyncio

        loop = asyncio.get_running_loop()
        self._closed = loop.create_future()
        self.window.ticker.start()
        await self.start_services()
        self.ready_at = time.monotonic()
        if self._exit_when_ready:
            self.window.close()
        await self._closed
        await self.stop_services()
        return 0

    async def start_services(self) -> None:
        """Open the services (operator, client, journal, publisher) and show them."""
        from uid2_desk.protocol.errors import Uid2DeskError

        bridge = self.bridge
        local = self.env == "local"
        bridge.post(
            bridge.startup_progress,
            "Starting the local operator…" if local else f"Opening {self.env}…",
        )
        try:
            from uid2_desk.journal import JournalFilter
            from uid2_desk.services import OperatorMode, open_services

            mode = OperatorMode.IN_PROCESS if self._in_process else OperatorMode.LOOPBACK
            services = await open_services(
                self.data_dir,
                env=self.env,
                operator_mode=mode,
                credential_store=self.credentials.store(),
                lifetimes=self.lifetimes,
                clock=self.clock,
                require_credentials=False,
                session=self._session,
            )
        except (Uid2DeskError, OSError, ValueError) as err:
            bridge.post(bridge.startup_failed, _startup_message(err))
            return
        self.services = services
        self._session = services.publisher.session
        self.window.ticker.clock = services.clock
        bridge.attach(services.publisher)
        for snapshot in services.publisher.users():
            bridge.post(bridge.user_changed, snapshot)
        entries = await services.journal.entries(
            JournalFilter(session=services.publisher.session), limit=None
        )
        for entry in entries:
            bridge.post(bridge.entry_appended, entry)
        bridge.post(bridge.services_ready, services)
        if services.publisher.client is None:
            bridge.post(
                bridge.notice,
                "warning",
                f"No credentials for {services.environment.display_name}: open "
                "Environment ▸ Environments and credentials (Ctrl+E) to enter an API key "
                "and secret.",
            )
        if not services.environment.is_production:
            self._start_driver()

    @property
    def credentials(self) -> CredentialsFlow:
        """The credential stores (keychain, session), made on first use (after paint)."""
        if self._credentials is None:
            from uid2_desk.ui.credentials_flow import CredentialsFlow

            self._credentials = CredentialsFlow()
        return self._credentials

    def open_environments(self) -> None:
        """Show the environments and credentials dialog (window-modal, not blocking)."""
        from uid2_desk.ui.environment_dialog import EnvironmentDialog

        dialog = EnvironmentDialog(
            self.credentials, self.env, self._confirmed_production, parent=self.window
        )
        dialog.switch_requested.connect(self.switch_environment)
        dialog.open()

    def switch_environment(self, env: str) -> None:
        """Restart the services on ``env``."""
        if env == self.env:
            return
        self.window.handlers.runner.run("Switch environment", self.restart(env=env), None)

    def _start_driver(self) -> None:
        from uid2_desk.publisher.driver import PolicyDriver

        if not self._drive_policies or self.services is None:
            return
        if self.driver is not None and self.driver.running:
            return
        self.driver = PolicyDriver(self.services.publisher)
        self.driver.start()

    async def stop_services(self) -> None:
        """Stop the driver, detach the bridge and close the services (reverse order)."""
        self.window.detach_services()
        self.bridge.detach()
        if self.driver is not None:
            await self.driver.stop()
            self.driver = None
        services, self.services = self.services, None
        if services is not None:
            await services.aclose()

    async def restart(self, *, lifetimes: str | None = None, env: str | None = None) -> None:
        """Stop the services and start them again with another profile or environment."""
        if lifetimes is not None:
            self.lifetimes = lifetimes
        if env is not None and env != self.env:
            self.env = env
            self._session = None
            self.window.handlers.production_ok = env in self._confirmed_production
        await self.stop_services()
        await self.start_services()

    def _on_lifetimes(self, profile: str) -> None:
        if profile == self.lifetimes:
            return
        self.window.handlers.runner.run("Switch lifetimes", self.restart(lifetimes=profile), None)

    def _on_closing(self) -> None:
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)


def _startup_message(err: BaseException) -> str:
    if isinstance(err, OSError):
        return (
            f"The desk could not open its data directory or a port ({err}). Check that the "
            "data directory is writable, or choose another with --data-dir."
        )
    return str(err)
