"""The desk's proxy: Environment ▸ Proxy to … runs ``uid2-desk proxy`` inside the desk.

:class:`DeskProxy` starts a :class:`~uid2_desk.proxy.server.ProxyServer` toward a remote
operator and pumps what it captures into the desk's own journal session (so the log, the
inspector and the diagram show it as they show the local operator's captures), attributed to
the upstream environment. Starting and stopping bind and join threads: both run off the loop.
The client secrets it opens envelopes with are the upstream environment's stored credentials
(``UID2_API_KEY``/``UID2_SECRET``, then the keychain), never written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.client.credential_stores import CredentialStore
from uid2_desk.client.environments import Environment
from uid2_desk.journal.async_journal import AsyncJournal
from uid2_desk.journal.capture_feed import CaptureFeed
from uid2_desk.journal.capture_pump import CapturePump
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.capture_queue import DEFAULT_LIMIT, dropped_note
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.services.local_parts import session_capture
from uid2_desk.services.proxy_setup import default_stores, stored_secrets, upstream_of


@dataclass(frozen=True)
class ProxyRunning:
    """A running proxy, as the window shows it.

    Attributes:
        base_url: where the team's client points instead of the operator.
        environment: the upstream environment (its kind colours the band).
        keys: how many API keys' secrets it opens envelopes with.
    """

    base_url: str
    environment: Environment
    keys: int


class DeskProxy:
    """Starts and stops the desk's proxy; one at a time."""

    def __init__(
        self,
        journal: AsyncJournal,
        publisher: Publisher,
        stores: list[CredentialStore] | None = None,
    ) -> None:
        self._journal = journal
        self._publisher = publisher
        self._stores = stores
        self._server: ProxyServer | None = None
        self._pump: CapturePump | None = None
        self.running: ProxyRunning | None = None
        #: How many forwarded calls may wait for the capture (more are dropped and counted).
        self.capture_limit = DEFAULT_LIMIT

    async def start(self, upstream_value: str, port: int = 0) -> ProxyRunning:
        """Forward to ``upstream_value`` from ``127.0.0.1:port`` (stops a running proxy first).

        Raises :class:`InputError` for an upstream it must not use, ``OSError`` when the port
        cannot be bound.
        """
        upstream, environment = upstream_of(upstream_value)
        await self.stop()
        stores = self._stores or default_stores()
        secrets = ClientSecrets(await stored_secrets(environment.id, stores, refuse_bad_env=False))
        feed, pump = session_capture(self._journal, self._publisher, upstream.name)
        app = ProxyApp(upstream, secrets, sink=feed, capture_limit=self.capture_limit)
        server = ProxyServer(app, port=port)
        try:
            base_url = await server.start_async()
        except BaseException:
            await pump.stop()
            raise
        self._server, self._pump = server, pump
        self.running = ProxyRunning(base_url, environment, len(secrets))
        return self.running

    async def stop(self) -> None:
        """Stop forwarding, then journal what was still being captured (idempotent)."""
        await self.stop_and_report()

    async def stop_and_report(self) -> str | None:
        """:meth:`stop`, and what to tell the user when calls were left out of the capture."""
        server, pump = self._server, self._pump
        self._server = self._pump = None
        self.running = None
        if server is not None:
            await server.stop_async()
        if pump is not None:
            await pump.stop()
        return None if server is None else dropped_note(_dropped(server.app))


def _dropped(app: ProxyApp) -> int:
    """How many forwarded calls were left out of the capture: by the proxy's queue, or by the
    journal's feed (the proxy's sink) when it fell behind."""
    feed = app.sink
    return app.captures.dropped + (feed.dropped if isinstance(feed, CaptureFeed) else 0)
