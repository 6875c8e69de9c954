"""*Allow devices on my network*: the embedded operator's UID2 endpoints on the LAN address.

Off unless the person switches it on, and off again at the next start (nothing is stored).
While on, a :class:`~uid2_desk.operator.http.lan.LanServer` serves the same operator on this
machine's network address (the same port as the loopback server when it is free), without
the admin surface. :meth:`LanSharing.start` and :meth:`LanSharing.stop` block (they bind and
join a server thread): call them off the GUI thread.
"""

from __future__ import annotations

import threading

from uid2_desk.operator import LocalOperator
from uid2_desk.operator.http.lan import LanServer, lan_address
from uid2_desk.protocol.errors import InputError

NO_NETWORK = (
    "This machine has no network address a device could reach (no LAN connection?). "
    "Connect it to the network the device is on, then try again."
)


class LanSharing:
    """Serves one operator on the LAN while switched on.

    Attributes:
        preferred_port: the port tried first (the loopback server's, so only the host
            changes in a device's configuration).
    """

    def __init__(self, operator: LocalOperator, preferred_port: int) -> None:
        self._operator = operator
        self.preferred_port = preferred_port
        self._server: LanServer | None = None
        self._lock = threading.Lock()

    @property
    def on(self) -> bool:
        """Whether the UID2 endpoints are served on the LAN now."""
        return self._server is not None

    @property
    def base_url(self) -> str | None:
        """The LAN base URL a device types in (``http://192.168.1.20:8080``), while on."""
        server = self._server
        return None if server is None else server.base_url

    def start(self, host: str | None = None) -> str:
        """Serve on ``host`` (default: this machine's LAN address); return the base URL.

        Raises:
            InputError: the machine has no LAN address.
            OSError: the address cannot be bound.
        """
        with self._lock:
            if self._server is not None:
                return self._server.base_url
            address = host or lan_address()
            if address is None:
                raise InputError(NO_NETWORK)
            try:
                server = LanServer(self._operator, address, self.preferred_port)
                server.start()
            except OSError:  # the port is taken on that interface: any free one will do
                server = LanServer(self._operator, address, 0)
                server.start()
            self._server = server
            return server.base_url

    def stop(self) -> None:
        """Stop serving on the LAN (idempotent)."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop()
