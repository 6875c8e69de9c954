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

from uid2_desk.client.credential_stores import CredentialStore, EnvCredentialStore
from uid2_desk.client.environments import Environment
from uid2_desk.client.keychain_store import KeyringCredentialStore
from uid2_desk.journal.async_journal import AsyncJournal
from uid2_desk.journal.capture_feed import CaptureFeed, CaptureSession
from uid2_desk.journal.capture_pump import CapturePump
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.protocol.errors import CredentialsError, InputError
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.services.local_parts import followed_first
from uid2_desk.walkthrough.captured import captured_step


def upstream_of(value: str) -> tuple[Upstream, Environment]:
    """The upstream for ``integ``, ``prod-usw``, a URL... (raises :class:`InputError`)."""
    if value.strip() == "local":
        raise InputError(
            "the proxy forwards to a remote operator; for the local one use "
            "'uid2-desk operator --watch', which captures without a proxy"
        )
    env = Environment.from_cli(value)
    upstream = Upstream(env.id, env.require_base_url(), env.kind.value.upper(), env.is_production)
    return upstream, env


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

    async def start(self, upstream_value: str, port: int = 0) -> ProxyRunning:
        """Forward to ``upstream_value`` from ``127.0.0.1:port`` (stops a running proxy first).

        Raises :class:`InputError` for an upstream it must not use, ``OSError`` when the port
        cannot be bound.
        """
        upstream, environment = upstream_of(upstream_value)
        await self.stop()
        secrets = await self._secrets(environment.id)
        feed = CaptureFeed()
        target = CaptureSession(
            session=self._publisher.session,
            environment=upstream.name,
            step_of=captured_step,
            user_of=followed_first(self._publisher, ChainUsers()),
        )
        pump = CapturePump(feed, self._journal, target)
        server = ProxyServer(ProxyApp(upstream, secrets, sink=feed), port=port)
        base_url = await server.start_async()
        pump.start()
        self._server, self._pump = server, pump
        self.running = ProxyRunning(base_url, environment, len(secrets))
        return self.running

    async def stop(self) -> None:
        """Stop forwarding, then journal what was still being captured (idempotent)."""
        server, pump = self._server, self._pump
        self._server = self._pump = None
        self.running = None
        if server is not None:
            await server.stop_async()
        if pump is not None:
            await pump.stop()

    async def _secrets(self, env_id: str) -> ClientSecrets:
        found: dict[str, bytes] = {}
        stores = self._stores or [EnvCredentialStore(), KeyringCredentialStore()]
        for store in stores:
            try:
                stored = await store.get(env_id)
            except CredentialsError:
                continue  # no keychain here, or nothing readable: the proxy opens less
            if stored is not None:
                found.setdefault(stored.api_key, stored.secret_bytes)
        return ClientSecrets(found)
