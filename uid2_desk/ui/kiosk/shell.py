"""Starts the kiosk (``uid2-desk --kiosk [--scenario NAME]``) and wires loop, window and stage.

- :func:`kiosk_refusal` says why a command line cannot start a kiosk (any ``--env`` but the
  local operator, above all production; an unknown scenario; one that cannot repeat), before
  any window opens.
- :class:`KioskShell` connects :class:`~uid2_desk.ui.kiosk.autoplay.KioskAutoplay` to the
  :class:`~uid2_desk.ui.kiosk.window.KioskWindow`: statuses and each run's publisher events in
  (through a :class:`~uid2_desk.ui.common.bridge.DeskBridge`), presenter keys out.
- :func:`run_kiosk` starts the kiosk: the services (opened by the ``open_services`` the
  composition root passes in) on the local operator (in process: a booth opens no port)
  with the demo lifetimes, in ``<data dir>/kiosk`` so the kiosk's journal rotation never
  touches the desk's own journal. SIGTERM ends it as the exit chord does, with exit code 143
  (:mod:`~uid2_desk.ui.common.sigterm`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from uid2_desk.client.environments import Environment
from uid2_desk.protocol.clock import Clock, SystemClock
from uid2_desk.protocol.errors import InputError, ScenarioError, Uid2DeskError
from uid2_desk.publisher.scenario.loader import find_scenario, load_all
from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.publisher.scenario.player import Stage
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.common.sigterm import SigtermWatch
from uid2_desk.ui.common.ticker import SecondTicker
from uid2_desk.ui.kiosk.autoplay import KioskAutoplay, Sleep
from uid2_desk.ui.kiosk.host import KioskHost
from uid2_desk.ui.kiosk.kiosk_status import KioskPacing, KioskStatus
from uid2_desk.ui.kiosk.playlist import kiosk_playlist, repeatable
from uid2_desk.ui.kiosk.window import KioskWindow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from uid2_desk.services import DeskServices

KIOSK_DATA_DIR = "kiosk"


def kiosk_refusal(env: str, scenario: str | None) -> str | None:
    """Why ``--kiosk`` cannot start with these options, or ``None`` when it can."""
    try:
        environment = Environment.from_cli(env)
    except InputError as err:
        return f"uid2-desk: {err}"
    if environment.is_production:
        return (
            f"uid2-desk: the kiosk refuses --env {env} ({environment.display_name}): an "
            "unattended demo loop must never send requests to a production operator. Run "
            "`uid2-desk --kiosk` (it plays on the embedded local operator)."
        )
    if environment.is_remote:
        return (
            f"uid2-desk: the kiosk plays only on the embedded local operator, not --env {env}: "
            "its scenarios opt users out, inject faults and warp time. Run `uid2-desk --kiosk`."
        )
    if scenario is not None:
        try:
            chosen = find_scenario(scenario)
        except ScenarioError as err:
            return f"uid2-desk: {err}"
        if not repeatable(chosen):
            return (
                f"uid2-desk: the scenario {scenario} opts its user out on the operator for good, "
                "so the kiosk could play it only once; pick another (`uid2-desk scenarios`)."
            )
    return None


def kiosk_scenarios(scenario: str | None) -> list[Scenario]:
    """The kiosk's playlist: the one scenario asked for, or every repeatable one."""
    return [find_scenario(scenario)] if scenario else kiosk_playlist(load_all())


class KioskShell(QObject):
    """Wires one kiosk: loop, window, bridge and ticker; :meth:`run` lasts until the chord.

    Attributes:
        window: the kiosk window.
        autoplay: the loop.
        bridge: each run's publisher events as Qt signals.
        ticker: the once-a-second tick of the countdowns and the phase line.
    """

    def __init__(
        self,
        window: KioskWindow,
        services: DeskServices,
        playlist: Sequence[Scenario],
        *,
        pacing: KioskPacing | None = None,
        pacing_clock: Clock | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.host = KioskHost(services)
        self.bridge = DeskBridge(self)
        self.bridge.release()
        self.ticker = SecondTicker(services.clock, self)
        self.autoplay = KioskAutoplay(
            self.host,
            playlist,
            pacing=pacing,
            clock=pacing_clock or SystemClock(),
            sleep=sleep,
            on_status=self._on_status,
            on_stage=self._on_stage,
        )
        self._connect_signals()

    def _connect_signals(self) -> None:
        w = self.window
        self.bridge.entries_appended.connect(w.add_entries)
        self.bridge.user_changed.connect(w.show_user)
        self.bridge.user_removed.connect(w.forget_user)
        self.ticker.ticked.connect(w.refresh_clock_lines)
        w.next_pressed.connect(self.autoplay.next_step)
        w.pause_pressed.connect(self.autoplay.toggle_pause)
        w.restart_pressed.connect(self.autoplay.restart)
        w.touched.connect(self.autoplay.touched)

    async def run(self, max_loops: int | None = None) -> None:
        """Play until the exit chord (or ``max_loops`` loops), then tidy up."""
        loop = asyncio.get_running_loop()
        leave = loop.create_future()

        def on_exit() -> None:
            if not leave.done():
                leave.set_result(None)

        self.window.exit_requested.connect(on_exit)
        self.ticker.start()
        playing = loop.create_task(self.autoplay.run(max_loops), name="kiosk-autoplay")
        try:
            await asyncio.wait({playing, leave}, return_when=asyncio.FIRST_COMPLETED)
            if playing.done():
                playing.result()  # a bug in the loop must not pass silently
        finally:
            self.ticker.stop()
            playing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await playing
            self.bridge.detach()
            await self.host.end()
            if not leave.done():
                leave.cancel()

    def _on_stage(self, stage: Stage) -> None:
        self.window.new_run()
        self.bridge.attach(stage.publisher)

    def _on_status(self, status: KioskStatus) -> None:
        self.window.show_status(status)


def run_kiosk(
    args: argparse.Namespace,
    open_services: Callable[..., Awaitable[DeskServices]],
    sigterm: SigtermWatch | None = None,
) -> int:
    """``uid2-desk --kiosk``: full screen until Ctrl+Shift+Q is pressed twice.

    ``open_services`` is :func:`uid2_desk.services.open_services`, from the composition root,
    which also hands in its ``sigterm`` watch (made before its imports).
    """
    env = str(getattr(args, "env", "local"))
    scenario = getattr(args, "scenario", None)
    refusal = kiosk_refusal(env, scenario)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    if sigterm is None:  # (the composition root makes it before its imports)
        sigterm = SigtermWatch()  # noted until the kiosk runs; then it leaves as the chord does
        sigterm.install_early()
    import qasync
    from PySide6.QtWidgets import QApplication

    from uid2_desk.settings import resolve_data_dir

    app = _application(QApplication)
    data_dir = resolve_data_dir(getattr(args, "data_dir", None)) / KIOSK_DATA_DIR
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        code: int = loop.run_until_complete(
            _serve(app, data_dir, kiosk_scenarios(scenario), open_services, sigterm)
        )
    return code


async def _serve(
    app: QApplication,
    data_dir: Path,
    playlist: list[Scenario],
    open_services: Callable[..., Awaitable[DeskServices]],
    sigterm: SigtermWatch,
) -> int:
    # SIGTERM (a booth's systemctl stop) leaves as the exit chord does, or stops the opening.
    shells: list[KioskShell] = []
    serving = asyncio.current_task()
    sigterm.stop = lambda: shells[0].window.exit_requested.emit() if shells else _cancel(serving)
    sigterm.install(asyncio.get_running_loop())
    try:
        if sigterm.received:  # before the loop ran: open nothing
            raise asyncio.CancelledError
        await _open_and_play(app, data_dir, playlist, open_services, shells)
    except asyncio.CancelledError:
        if not sigterm.received:
            raise
    except Uid2DeskError as err:  # e.g. another desk holds the folder: say so, no traceback
        print(f"uid2-desk: {err}", file=sys.stderr)
        return 2
    finally:
        sigterm.remove()
    return sigterm.exit_code("the kiosk")


def _cancel(task: asyncio.Task[int] | None) -> None:
    if task is not None:
        task.cancel()


async def _open_and_play(
    app: QApplication,
    data_dir: Path,
    playlist: list[Scenario],
    open_services: Callable[..., Awaitable[DeskServices]],
    shells: list[KioskShell],
) -> None:
    services = await open_services(
        data_dir, operator_mode="in_process", lifetimes="demo", returning=False
    )
    try:
        window = KioskWindow(services.clock, SystemClock())
        shells.append(KioskShell(window, services, playlist))
        app.installEventFilter(window)
        screen = app.primaryScreen()
        if screen is not None:  # without a window manager, full screen needs the size too
            window.setGeometry(screen.geometry())
        window.showFullScreen()
        try:
            await shells[0].run()
        finally:
            app.removeEventFilter(window)
            window.leaving = True
            window.close()
    finally:
        await services.aclose()


def _application(factory: type[QApplication]) -> QApplication:
    from PySide6.QtCore import Qt

    existing = factory.instance()
    app = existing if isinstance(existing, factory) else factory(sys.argv[:1])
    app.setApplicationName("UID2 Desk kiosk")
    app.setDesktopFileName("uid2-desk")
    app.setStyle("Fusion")
    app.setQuitOnLastWindowClosed(False)
    app.setOverrideCursor(Qt.CursorShape.BlankCursor)
    return app
