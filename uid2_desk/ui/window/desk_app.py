"""The desk window's services: started after the window paints, restarted, stopped.

:class:`DeskApp` owns what runs behind one :class:`~uid2_desk.ui.window.main_window.DeskWindow`:
it opens the services (:func:`uid2_desk.services.open_services`) when the window is up,
attaches the bridge, starts the policy driver, restarts everything on another lifetimes
profile, environment or integration guide (:mod:`~uid2_desk.ui.window.guide_menu`), and
closes it all when the window closes. Built by the composition root (:mod:`uid2_desk.app`).
"""

from __future__ import annotations

import errno
import os
import time
from typing import TYPE_CHECKING

from uid2_desk.ui.common.interpreter import keep_what_start_up_made

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Awaitable, Callable

    from PySide6.QtWidgets import QApplication

    from uid2_desk.protocol.clock import Clock
    from uid2_desk.publisher.refresh.driver import PolicyDriver
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.common.bridge import DeskBridge
    from uid2_desk.ui.common.sigterm import SigtermWatch
    from uid2_desk.ui.window.credentials_flow import CredentialsFlow
    from uid2_desk.ui.window.main_window import DeskWindow

#: The local operator's lifetimes at start: a lifecycle in five minutes (countdowns move).
DEFAULT_LIFETIMES = "demo"


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
        ready_at: ``time.monotonic()`` when the services came up at start (benchmarks).

    ``open_services`` is :func:`uid2_desk.services.open_services` (the composition root passes
    it in). ``drive_policies=False`` leaves ticking to the caller (tests advance a fake clock and
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
        operator_port: int = 0,
        open_services: Callable[..., Awaitable[DeskServices]],
        sigterm: SigtermWatch | None = None,
    ) -> None:
        from pathlib import Path

        self.app, self.window, self.bridge, self.clock = app, window, bridge, clock
        self.env = env
        self.data_dir = Path(data_dir)
        self.lifetimes = DEFAULT_LIFETIMES
        self.guide = "server-only"  # a Guide value; the v1 guides need the local operator
        self.services: DeskServices | None = None
        self.driver: PolicyDriver | None = None
        self._exit_when_ready = exit_when_ready
        self.ready_at: float | None = None
        self._drive_policies = drive_policies
        self._in_process = in_process_operator
        self.operator_port = operator_port
        self._open_services = open_services
        self._sigterm = sigterm
        self._closed: asyncio.Future[None] | None = None
        self._close_requested = False
        self._session: str | None = None
        self._credentials: CredentialsFlow | None = None
        self._confirmed_production: set[str] = set()
        window.environments_requested.connect(self.open_environments)
        window.lifetimes_requested.connect(self._on_lifetimes)
        from uid2_desk.ui.window.guide_menu import GuideMenu

        self.guide_menu = GuideMenu(window)
        self.guide_menu.chosen.connect(self._on_guide)
        window.closing.connect(self.window_closed)
        window.handlers.production_confirmed.connect(self._start_driver)

    async def run(self) -> int:
        """Start the services, serve until the window closes, stop them; return the exit code.

        0, or 143 after a SIGTERM, which closes the window as Quit does (``ui.common.sigterm``).
        Closing while the services open cancels the opening; the window's
        cancelled actions (a switch of environment…) are awaited before the services stop.
        """
        import asyncio

        from uid2_desk.protocol.cancel_safe import settled
        from uid2_desk.ui.common.sigterm import SigtermWatch

        sigterm = self._sigterm or SigtermWatch(self.window.close)
        loop = asyncio.get_running_loop()
        # The future first: a close from here on (SIGTERM's early handler runs between any two
        # lines until install) resolves it; one before it is in _close_requested.
        self._closed = closed = loop.create_future()
        if self._close_requested:  # closed before the desk began: nothing to start or stop
            return sigterm.exit_code("the desk")
        sigterm.install(loop)
        try:
            self.window.ticker.start()
            starting = loop.create_task(self.start_services(), name="desk-start")
            await asyncio.wait({starting, closed}, return_when=asyncio.FIRST_COMPLETED)
            if not starting.done():  # closed while opening: stop opening
                starting.cancel()
            await settled(starting)
            if self.services is not None and not closed.done():
                self.ready_at = time.monotonic()
                keep_what_start_up_made()  # the services live as long as the window
            if self._exit_when_ready:
                self.window.close()
            await closed
            handlers = self.window.handlers
            for task in {*handlers.runner.pending, *handlers.lookups.pending}:
                task.cancel()  # (the window's close did so already; a Quit from a test may not)
                await settled(task)
            await self.stop_services()
        finally:
            sigterm.remove()
        return sigterm.exit_code("the desk")

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

            # The composition root hands in ``services.open_services``: the UI never imports
            # the layer that builds the operator.
            mode = "in_process" if self._in_process else "loopback"
            services = await self._open_services(
                self.data_dir,
                env=self.env,
                operator_mode=mode,
                operator_port=self.operator_port,
                credential_store=self.credentials.store(),
                lifetimes=self.lifetimes,
                clock=self.clock,
                require_credentials=False,
                session=self._session,
                guide=self.guide if local else "server-only",
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
            # With their exchanges: a captured entry names its client only there.
            JournalFilter(session=services.publisher.session),
            limit=None,
            with_exchanges=True,
        )
        for entry in entries:
            bridge.post_entry(entry)
        bridge.post(bridge.services_ready, services)
        self.guide_menu.show_state(services.publisher.guide, local=local)
        if services.publisher.guide.legacy_v1:
            bridge.post(
                bridge.notice,
                "info",
                f"This desk plays the {services.publisher.guide.display_name}: the local "
                "operator serves the v1 GET API that real operators removed in July 2025.",
            )
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
            from uid2_desk.ui.window.credentials_flow import CredentialsFlow

            self._credentials = CredentialsFlow()
        return self._credentials

    def open_environments(self) -> None:
        """Show the environments and credentials dialog (window-modal, not blocking)."""
        from uid2_desk.ui.window.environment_dialog import EnvironmentDialog

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
        from uid2_desk.publisher.refresh.driver import PolicyDriver

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

    async def restart(
        self, *, lifetimes: str | None = None, env: str | None = None, guide: str | None = None
    ) -> None:
        """Stop the services and start them again with another profile, environment or guide."""
        if lifetimes is not None:
            self.lifetimes = lifetimes
        if guide is not None:
            self.guide = guide
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

    def _on_guide(self, guide: str) -> None:
        if guide == self.guide:
            return
        self.window.handlers.runner.run("Switch guide", self.restart(guide=guide), None)

    def window_closed(self) -> None:
        """The window closed (or did while the desk was being made: then nothing opens)."""
        self._close_requested = True
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)


def _startup_message(err: BaseException) -> str:
    if isinstance(err, OSError) and err.errno == errno.EADDRINUSE:
        return (
            f"The local operator's port is in use ({err}): another desk or operator runs "
            "there. Stop it, or start the desk with another --operator-port (0 picks a free one)."
        )
    if isinstance(err, OSError):
        return (
            f"The desk could not open its data directory or a port ({err}). Check that the "
            "data directory is writable, or choose another with --data-dir."
        )
    return str(err)
