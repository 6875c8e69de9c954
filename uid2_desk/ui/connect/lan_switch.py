"""The *Allow devices on my network* switch, off the GUI thread, and its QR code.

:class:`LanSwitch` turns the services' :class:`~uid2_desk.services.lan_sharing.LanSharing` on
and off in a worker thread (binding and stopping a server block) and says what came of it;
the Connect dialog and the window's red band listen. :func:`qr_png` draws the LAN base URL
as a QR code (``segno``, pure Python), for typing it into a TV or a phone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    import asyncio

    from uid2_desk.services import DeskServices

_LOG = logging.getLogger(__name__)


class LanSwitch(QObject):
    """Switches LAN serving on and off for the running services.

    Signals:
        changed(object): the LAN base URL now served, or ``None`` when off.
        failed(str): it could not be switched on (why, in words).

    Attributes:
        host: the address to serve on; ``None`` finds this machine's LAN address.
    """

    changed = Signal(object)
    failed = Signal(str)

    def __init__(
        self, services_of: Callable[[], DeskServices | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._services_of = services_of
        self._task: asyncio.Task[None] | None = None
        self.host: str | None = None

    @property
    def url(self) -> str | None:
        """The LAN base URL while on."""
        services = self._services_of()
        lan = None if services is None else services.lan
        return None if lan is None else lan.base_url

    @property
    def available(self) -> bool:
        """Whether the running desk can serve on the LAN (local, on a loopback port)."""
        services = self._services_of()
        return services is not None and services.lan is not None

    @property
    def busy(self) -> bool:
        """Whether a switch is under way."""
        return self._task is not None

    def set_on(self, on: bool) -> None:
        """Switch on or off (in a worker thread); ``changed`` or ``failed`` says the result."""
        services = self._services_of()
        lan = None if services is None else services.lan
        if lan is None or self._task is not None:
            return
        import asyncio

        async def switch() -> None:
            from uid2_desk.protocol.errors import Uid2DeskError

            try:
                if on:
                    await asyncio.to_thread(lan.start, self.host)
                else:
                    await asyncio.to_thread(lan.stop)
            except (Uid2DeskError, OSError) as err:
                self.failed.emit(f"Devices on your network cannot reach the desk: {err}")
            self.changed.emit(lan.base_url)

        self._task = asyncio.get_running_loop().create_task(switch())
        self._task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._task = None
        if not task.cancelled() and task.exception() is not None:
            _LOG.error("the LAN switch failed", exc_info=task.exception())

    def services_changed(self, _services: object = None) -> None:
        """New services (a restart) start with LAN serving off: say so."""
        self.changed.emit(self.url)


def qr_png(text: str, scale: int = 6) -> bytes:
    """``text`` as a QR code, PNG bytes (quiet zone included)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
