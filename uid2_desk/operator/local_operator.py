"""The embedded local operator: state in a data directory, an ASGI app, an admin API."""

from __future__ import annotations

import secrets
from pathlib import Path
from types import TracebackType

from uid2_desk.operator.admin.faults import FaultBoard
from uid2_desk.operator.admin.service import OperatorAdmin
from uid2_desk.operator.capture import CaptureSink
from uid2_desk.operator.capture.handover import ExchangeBuilder, RequestSink
from uid2_desk.operator.core import OperatorCore
from uid2_desk.operator.http.app import build_asgi_app
from uid2_desk.operator.http.http_layer import OperatorHttp
from uid2_desk.operator.issuer import TokenIssuer
from uid2_desk.operator.state.credentials import PUBLISHER, ClientRegistry, IssuedCredentials
from uid2_desk.operator.state.cstg_sites import CstgSites
from uid2_desk.operator.state.keys import KeyRing
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.operator.state.optouts import OptOutRegistry
from uid2_desk.operator.state.request_log import RequestLog
from uid2_desk.operator.state.salts import SaltTable
from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.operator.state.writer import BackgroundWriter
from uid2_desk.protocol.clock import Clock, SystemClock, WarpClock
from uid2_desk.protocol.errors import InputError, StorageError


class LocalOperator:
    """A UID2 operator that lives in ``data_dir`` and speaks the real v2 protocol.

    Serve :attr:`asgi_app` with :class:`~uid2_desk.operator.OperatorServer` (a loopback
    port) or mount it in-process with ``httpx.ASGITransport``. Everything it knows (clients,
    keys, salts, opt-outs, the served-request log) is in ``data_dir/operator.sqlite3``, so a
    reopened operator accepts the same credentials and refreshes tokens issued before.

    Attributes:
        data_dir: where its state lives.
        lifetimes: the durations identities are issued with.
        clock: the operator's clock: the given clock plus the admin's offset (skew).
        legacy_v1: whether it also serves the legacy GET ``/v1/token/...`` endpoints.
        credentials: working publisher, DSP and sharer credentials.
        admin: the admin API (opt-outs, key rotation, faults, clock, request log).
        admin_token: the bearer token of the HTTP admin surface, new on every open.
        cstg: the client-side generation key pair and the site's domain and app names.
        asgi_app: the ASGI application to serve.
    """

    def __init__(
        self,
        *,
        data_dir: Path,
        lifetimes: Lifetimes,
        clock: WarpClock,
        store: OperatorStore,
        clients: ClientRegistry,
        writer: BackgroundWriter,
        admin: OperatorAdmin,
        admin_token: str,
        asgi_app: OperatorHttp,
        legacy_v1: bool = False,
        cstg: CstgSites,
    ) -> None:
        self.data_dir = data_dir
        self.legacy_v1 = legacy_v1
        self.lifetimes = lifetimes
        self.clock = clock
        self._store = store
        self._clients = clients
        self._writer = writer
        self.admin = admin
        self.admin_token = admin_token
        self.asgi_app = asgi_app
        self.cstg = cstg
        self._closed = False

    def capture_to(self, sink: CaptureSink | None) -> None:
        """Hand every request served from now on to ``sink`` as an exchange (``None``: stop).

        The exchange is built on the request's thread; see :meth:`capture_requests_to`.
        """
        self.asgi_app.capture = None if sink is None else ExchangeBuilder(sink)

    def capture_requests_to(self, sink: RequestSink | None) -> None:
        """Hand every request served from now on to ``sink`` as recorded (``None``: stop).

        ``sink`` gets each request's :func:`~uid2_desk.operator.capture.portable.record` of
        plain values, so the exchange can be built elsewhere (another process).
        """
        self.asgi_app.capture = sink

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        lifetimes: Lifetimes | None = None,
        legacy_v1: bool = False,
    ) -> LocalOperator:
        """Open (creating on first use) the operator stored in ``data_dir``.

        ``clock`` defaults to the system clock; pass the desk's shared ``WarpClock`` so a
        time warp moves both. ``lifetimes`` defaults to the ``local`` profile. With
        ``legacy_v1`` it also serves GET ``/v1/token/generate``, ``/refresh`` and
        ``/validate`` as operators did before July 2025; otherwise those paths are 404.
        Raises :class:`~uid2_desk.protocol.errors.StorageError` if the database is unusable.
        """
        lifetimes = lifetimes if lifetimes is not None else Lifetimes.local()
        own_clock = WarpClock(base=clock if clock is not None else SystemClock())
        store = OperatorStore.open_in(data_dir)
        try:
            now_ms = own_clock.now_ms()
            clients = ClientRegistry.load_or_create(store, now_ms)
            keys = KeyRing.open(store, lifetimes, clients.site_ids(), now_ms)
            optouts = OptOutRegistry(store)
            issuer = TokenIssuer(keys, SaltTable.load_or_create(store, now_ms), optouts, lifetimes)
            # Client-side generation issues tokens for the publisher's site.
            cstg = CstgSites.load_or_create(store, clients.by_name(PUBLISHER).site_id, now_ms)
        except (ValueError, KeyError, TypeError, InputError) as exc:
            # A row this version cannot read (edited by hand, or written by a newer desk): the
            # promised StorageError, so the CLI and the desk say what to do, not a traceback.
            store.close()
            raise StorageError(
                f"The operator's data in {data_dir} holds a value this desk cannot read ({exc})."
                " Move the folder aside to start a fresh operator, or choose another --data-dir."
            ) from exc
        except BaseException:
            # Not reached in tests: a StorageError of the store itself (the disk failing under
            # a read that opening succeeded on) or an interrupt; closed all the same.
            store.close()
            raise
        faults = FaultBoard()
        log = RequestLog(store)
        admin = OperatorAdmin(
            issuer=issuer, keys=keys, optouts=optouts, faults=faults, clock=own_clock, log=log
        )
        admin_token = secrets.token_urlsafe(32)
        core = OperatorCore(clients=clients, keys=keys, issuer=issuer, clock=own_clock, cstg=cstg)
        app = build_asgi_app(
            core,
            admin=admin,
            admin_token=admin_token,
            faults=faults,
            log=log,
            legacy_v1=legacy_v1,
        )
        # Successors first: they reach disk before a request can use (and sign with) them.
        writer = BackgroundWriter([lambda: keys.prepare(own_clock.now_ms()), log.flush, keys.flush])
        return cls(
            data_dir=data_dir,
            lifetimes=lifetimes,
            clock=own_clock,
            store=store,
            clients=clients,
            writer=writer,
            admin=admin,
            admin_token=admin_token,
            asgi_app=app,
            legacy_v1=legacy_v1,
            cstg=cstg,
        )

    @property
    def credentials(self) -> IssuedCredentials:
        """Working credentials of the publisher, DSP and sharer clients."""
        return self._clients.credentials

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def close(self) -> None:
        """Save what is still in memory (request log, new keys), close the database (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._writer.close()
        finally:
            self._store.close()

    def __enter__(self) -> LocalOperator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
