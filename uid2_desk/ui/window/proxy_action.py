"""Environment ▸ Proxy to … and Stop the proxy: the team's client, watched through the desk.

:class:`ProxyControl` asks where to forward (integ, a production region, EUID, or a URL) and
on which loopback port, asks the production question first when the upstream is production
(:func:`~uid2_desk.ui.window.production_confirm.confirm_production`, the desk's one
question), then starts the services' :class:`~uid2_desk.services.desk_proxy.DeskProxy` off
the GUI thread. While it runs, the environment band reads ``PROXY → INTEG`` in the upstream's
colour and the proxy's captures stream into the log like the local operator's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from uid2_desk.ui.common.tasks import TaskRunner
from uid2_desk.ui.window.environment_view import describe_operator
from uid2_desk.ui.window.proxy_dialog import ProxyDialog

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import SignalInstance

    from uid2_desk.services import DeskServices
    from uid2_desk.services.desk_proxy import ProxyRunning
    from uid2_desk.ui.window.environment_view import EnvironmentStrip, EnvironmentView


class ProxyWindow(Protocol):
    """What the control needs of the desk window (a protocol: the window owns the control)."""

    @property
    def strip(self) -> EnvironmentStrip:
        """The environment band."""

    @property
    def view(self) -> EnvironmentView:
        """The desk's own environment, as the band shows it."""


class ProxyControl(QObject):
    """The two actions, the band while the proxy runs, and what went wrong.

    Signals:
        changed(object): the :class:`ProxyRunning` now, or ``None`` once stopped.
        failed(str): it could not start (why, in words).

    Attributes:
        start_action: Environment ▸ Proxy to ….
        stop_action: Environment ▸ Stop the proxy (enabled while it runs).
    """

    changed = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        parts: ProxyWindow,
        services_of: Callable[[], DeskServices | None],
        services_ready: SignalInstance,
        show_failure: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._parts = parts
        self._services_of = services_of
        # Unexpected errors are logged and shown by the runner, as for the window's actions.
        self._tasks = TaskRunner(self)
        self._tasks.failed.connect(lambda _what, message: self.failed.emit(message))
        self.start_action = QAction("&Proxy to …", window)
        self.start_action.setObjectName("action_proxy_to")
        self.start_action.setStatusTip(
            "Forward your backend or app to a real operator and watch its calls decrypted"
        )
        self.start_action.triggered.connect(self.open)
        self.stop_action = QAction("S&top the proxy", window)
        self.stop_action.setObjectName("action_proxy_stop")
        self.stop_action.setEnabled(False)
        self.stop_action.triggered.connect(self.stop)
        self.changed.connect(self._show)
        self.failed.connect(show_failure)
        services_ready.connect(lambda _s: self.changed.emit(None))

    @property
    def running(self) -> ProxyRunning | None:
        """The running proxy, if any."""
        services = self._services_of()
        return None if services is None or services.proxy is None else services.proxy.running

    @property
    def busy(self) -> bool:
        """Whether a start or stop is under way."""
        return self._tasks.busy

    def open(self) -> ProxyDialog | None:
        """Ask where to forward, then start (non-modal; the dialog's Start starts it)."""
        services = self._services_of()
        if services is None or services.proxy is None:
            self.failed.emit("The desk is still starting; try again in a moment.")
            return None
        dialog = ProxyDialog(self._window)
        dialog.chosen.connect(self.start)
        dialog.show()
        return dialog

    def start(self, upstream: str, port: int) -> bool:
        """Start forwarding to ``upstream`` on ``port`` (0: any free one); false if refused."""
        services = self._services_of()
        if services is None or services.proxy is None or self._tasks.busy:
            return False
        from uid2_desk.client.environments import Environment
        from uid2_desk.protocol.errors import Uid2DeskError
        from uid2_desk.ui.window.production_confirm import confirm_production

        try:
            environment = Environment.from_cli(upstream)
        except Uid2DeskError as err:
            self.failed.emit(str(err))
            return False
        if environment.is_production and not confirm_production(
            self._window,
            f"The proxy forwards to {environment.display_name}.",
            "Every call your client makes through the proxy reaches the real UID2 production "
            "service, with real users' data.",
        ):
            self.failed.emit("The proxy was not started: production was not confirmed.")
            return False
        proxy = services.proxy

        async def starting() -> None:
            try:
                self.changed.emit(await proxy.start(upstream, port))
            except (Uid2DeskError, OSError) as err:
                self.failed.emit(f"The proxy could not start: {err}")

        self._tasks.run("Starting the proxy", starting())
        return True

    def stop(self) -> None:
        """Stop forwarding (what was captured is journaled first)."""
        services = self._services_of()
        if services is None or services.proxy is None or self._tasks.busy:
            return
        proxy = services.proxy

        async def stopping() -> None:
            note = await proxy.stop_and_report()
            self.changed.emit(None)
            if note:
                self.failed.emit(f"The proxy stopped. {note}")

        self._tasks.run("Stopping the proxy", stopping())

    def _show(self, running: ProxyRunning | None) -> None:
        strip = self._parts.strip
        self.stop_action.setEnabled(running is not None)
        services = self._services_of()
        if running is None:
            strip.set_view(self._parts.view)
            if services is not None:
                strip.set_detail(describe_operator(services))
            return
        environment = running.environment
        strip.show_proxy(
            environment.kind.value, f"Proxy on {running.base_url} → {environment.display_name}"
        )
        keys = f"{running.keys} API key{'s' if running.keys != 1 else ''}"
        strip.set_detail(f"point your client at {running.base_url} · opens {keys}")


def install_proxy(
    window: QMainWindow,
    parts: ProxyWindow,
    services_of: Callable[[], DeskServices | None],
    services_ready: SignalInstance,
    show_failure: Callable[[str], None],
) -> ProxyControl:
    """Add *Proxy to …* and *Stop the proxy* to the window's Environment menu."""
    control = ProxyControl(window, parts, services_of, services_ready, show_failure)
    menu = next(
        (
            a.menu()
            for a in window.menuBar().actions()
            if a.text().replace("&", "") == "Environment"
        ),
        None,
    )
    for action in (control.start_action, control.stop_action):
        if isinstance(menu, QMenu):
            menu.addAction(action)
        else:
            window.addAction(action)
    return control
