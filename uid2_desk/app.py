"""Composition root of the GUI: Qt application, bridge, window, loop, then the services.

Paint first. The window's frame appears before anything it does not need is imported: the
menus, toolbar, environment strip, status bar ("Starting the local operator…"), the five
panels' cards and the sign-in panel paint, then the window completes its other four panels
(:meth:`uid2_desk.ui.window.main_window.DeskWindow.complete`) and paints again, whole. The qasync
loop, httpx, the operator, the journal and the publisher load after that. What is built
before the first paint is kept to what is seen (see ``uid2_desk.ui.common.qt_values`` and
``uid2_desk.ui.common.look``); tests/benchmarks/bench_ui.py measures both paints against a bare
PySide6 window. Then :func:`uid2_desk.services.open_services` starts the desk's parts off
the GUI thread, the bridge subscribes to the publisher, and the window enables itself.
"""

from __future__ import annotations

import argparse
import builtins
import gc
import os
import sys

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
    "uid2_desk.publisher.refresh.driver",
    "uid2_desk.ui.window.credentials_flow",
)
#: How often the GUI thread looks whether those imports are done.
IMPORT_POLL_MS = 10
#: The longest start-up waits for the whole window to paint before carrying on regardless.
PAINT_WAIT_MS = 3000


def run_gui(args: argparse.Namespace) -> int:
    """Open the desk window on ``args.env`` and run until it closes; return the exit code."""
    from uid2_desk.ui.common.sigterm import SigtermWatch

    # SIGTERM (systemctl stop, kill) before the window exists is noted, then closes it.
    sigterm = SigtermWatch()
    sigterm.install_early()
    if getattr(args, "kiosk", False):
        from uid2_desk.services import open_services
        from uid2_desk.ui.kiosk.shell import run_kiosk

        return run_kiosk(args, open_services, sigterm)
    # Start-up makes only objects that live as long as the window (modules, classes,
    # widgets): the cycle collector's passes over them, ~2 % of the time to first paint,
    # would free nothing. It runs again once the window has painted, on what comes later.
    gc.disable()
    from PySide6.QtWidgets import QApplication

    # PySide wraps ``__import__`` twice: shiboken's support for star imports of its lazily
    # loaded classes (kept as ``builtins.__orig_import__``), and around it a hook that reads
    # the whole source of every module imported afterwards, looking for ``from __feature__
    # import`` (snake_case, true_property). The desk selects no feature
    # (tests/test_architecture.py keeps it so), so it drops the outer hook: the window's
    # modules load ~3 % sooner, and the services' hundreds without their sources kept in
    # ``linecache``.
    builtins.__import__ = getattr(builtins, "__orig_import__", builtins.__import__)
    from uid2_desk.protocol.clock import WarpClock
    from uid2_desk.ui.common.bridge import DeskBridge
    from uid2_desk.ui.window.environment_view import EnvironmentView
    from uid2_desk.ui.window.main_window import DeskWindow
    from uid2_desk.ui.window.startup import (
        EarlyRequests,
        desk_application,
        import_off_the_gui_thread,
        place,
        report_peak_rss,
        wait_until,
    )

    app = desk_application(QApplication)
    clock = WarpClock()
    bridge = DeskBridge()
    view = EnvironmentView.preview(getattr(args, "env", "local"))
    # The frame paints first; the window completes itself right after (see DeskWindow).
    window = DeskWindow(bridge, clock, view, complete=False)
    early = EarlyRequests(window)  # the window answers before the desk behind it exists
    sigterm.stop = window.close  # from now on SIGTERM closes the window as Quit does
    place(window)
    window.show()
    if sigterm.received:  # it came before there was a window to close
        window.close()
    painted = wait_until(window.completed, PAINT_WAIT_MS, unless=window.closing)
    if not painted and not early.closed:
        late = f"the window did not paint within {PAINT_WAIT_MS // 1000} s; carrying on"
        print(f"uid2-desk: {late}", file=sys.stderr)
    window.complete()  # (if it never painted)
    bridge.release()
    from uid2_desk.ui.common.interpreter import keep_what_start_up_made, tune_for_the_window

    keep_what_start_up_made()
    tune_for_the_window()
    gc.enable()
    exit_when = os.environ.get(EXIT_WHEN_ENV, "")
    if exit_when:
        print(f"uid2-desk: first-paint-monotonic {window.first_paint_at}", flush=True)
        print(f"uid2-desk: whole-window-monotonic {window.completed_at}", flush=True)
    if exit_when == "first-paint":
        report_peak_rss()
        return 0
    if not early.closed:
        import_off_the_gui_thread(SERVICE_MODULES, IMPORT_POLL_MS)
    if early.closed:  # closed while starting: nothing runs yet that needs stopping
        early.stop_listening()
        return sigterm.exit_code("the desk")
    import asyncio

    import qasync

    from uid2_desk.services import open_services
    from uid2_desk.settings import resolve_data_dir
    from uid2_desk.ui.window.desk_app import DeskApp

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
        operator_port=getattr(args, "operator_port", 0),
        open_services=open_services,
        sigterm=sigterm,
    )
    early.hand_over(desk)
    with loop:
        code: int = loop.run_until_complete(desk.run())
    if exit_when:
        print(f"uid2-desk: ready-monotonic {desk.ready_at}", flush=True)
        report_peak_rss()
    return code
