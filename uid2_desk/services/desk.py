"""Qt-free assembly of a desk: operator (when local), HTTP client, journal, publisher, buyer.

The CLI's ``run`` builds one :class:`DeskServices` with :func:`open_services`; the GUI's root
(``app.py``) does the same and adds the Qt bridge. All async; closed in reverse order.

On the local environment one :class:`~uid2_desk.protocol.clock.WarpClock` is shared by the
desk and the embedded operator, so warping it moves both together (time warp), and the
operator's own data lives in ``<data dir>/operator`` unless told otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from uid2_desk.client.credential_lookup import credentials_for
from uid2_desk.client.credential_stores import CredentialStore
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.cstg_site import SiteView
from uid2_desk.client.environments import Environment
from uid2_desk.client.http_client import open_http_client
from uid2_desk.client.legacy_v1 import LegacyV1Client
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.journal import JOURNAL_FILE, AsyncJournal
from uid2_desk.journal.capture_pump import CapturePump
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.protocol.clock import Clock, SystemClock, WarpClock
from uid2_desk.protocol.errors import InputError
from uid2_desk.publisher.bid import Buyer
from uid2_desk.publisher.guides import Guide
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.publisher.scenario.stage import Stage
from uid2_desk.services.desk_proxy import DeskProxy
from uid2_desk.services.device import device_for, save_site, site_view
from uid2_desk.services.folder_lock import FolderLock
from uid2_desk.services.handoff import DeskHandOff
from uid2_desk.services.lan_sharing import LanSharing
from uid2_desk.services.local_parts import LocalAdminAdapter, OperatorMode, capture_into
from uid2_desk.services.off_loop import Undo, in_thread, lifetimes_of

OPERATOR_DIR = "operator"
#: The base URL the in-process operator answers on (never resolved: no socket is opened).
IN_PROCESS_URL = "http://local-operator.invalid"

_log = logging.getLogger(__name__)


@dataclass
class DeskServices:
    """One desk's running parts.

    Attributes:
        data_dir: where the desk's state lives.
        environment: where the publisher talks to (with its base URL).
        clock: the desk clock (a :class:`WarpClock` shared with the operator on local).
        http: the one HTTP client every operator client uses.
        journal: the journal.
        publisher: the publisher.
        operator: the embedded operator, on local.
        server: its loopback server, in loopback mode.
        buyer: a buyer with the local operator's DSP credentials, on local.
        capture: what journals other clients' requests to the embedded operator, on local.
        lan: the switch that also serves the operator on the LAN address, in loopback mode.
        handoff: hands users' identities to a web page (client-server flow), on loopback.
        proxy: Environment ▸ Proxy to …: forwards a team's client to a remote operator.
    """

    data_dir: Path
    environment: Environment
    clock: Clock
    http: httpx.AsyncClient
    journal: AsyncJournal
    publisher: Publisher
    operator: LocalOperator | None = None
    server: OperatorServer | None = None
    buyer: Buyer | None = None
    capture: CapturePump | None = None
    lan: LanSharing | None = None
    folder_lock: FolderLock | None = None
    handoff: DeskHandOff | None = None
    proxy: DeskProxy | None = None

    @property
    def warp_clock(self) -> WarpClock | None:
        """The shared clock to warp, when the operator shares the desk's clock."""
        if self.operator is not None and isinstance(self.clock, WarpClock):
            return self.clock
        return None

    @property
    def local_admin(self) -> LocalAdminAdapter | None:
        """The local operator's admin API (opt a user out now, faults), on local only."""
        return None if self.operator is None else LocalAdminAdapter(self.operator)

    def cstg_site(self) -> SiteView:
        """The client-side site, as the site dialog shows it (:mod:`.device`)."""
        return site_view(self)

    async def save_cstg_site(self, edited: SiteView) -> None:
        """Apply the site dialog: the embedded operator's names, or a remote site."""
        await save_site(self, edited)

    def stage(self) -> Stage:
        """What scenarios play on: the publisher plus whatever this environment allows."""
        warp = self.warp_clock
        warped = None if warp is None else warp.warp
        return Stage(self.publisher, warp=warped, admin=self.local_admin, buyer=self.buyer)

    async def aclose(self) -> None:
        """Close everything, in reverse order of opening; every part, whatever happens.

        A part that fails to close does not keep the others open: each failure is logged and,
        once every part was tried, the first one is raised (the others as notes). Nor does a
        cancellation (Ctrl-C, a closing window) cut the closing short: it finishes first (the
        operator writes out its request log), then the cancellation goes on.
        """
        closing = asyncio.ensure_future(self._close_every_part())
        cancelled = False
        while True:
            try:
                await asyncio.shield(closing)
                break
            except asyncio.CancelledError:
                if closing.done():
                    raise  # the closing itself was cancelled (the loop is going away)
                cancelled = True
        if cancelled:
            raise asyncio.CancelledError

    async def _stop_capture(self) -> None:
        if self.operator is not None:
            self.operator.capture_to(None)
        if self.capture is not None:
            await self.capture.stop()

    async def _close_every_part(self) -> None:
        # The server stops first (no new request), then what was captured drains into the
        # journal, and only then does the journal close.
        steps: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        if self.server is not None:
            steps.append(("the local operator's server", in_thread(self.server.stop)))
        if self.lan is not None:
            steps.append(("the operator on the network", in_thread(self.lan.stop)))
        if self.handoff is not None:
            steps.append(("the hand-off page", in_thread(self.handoff.close)))
        if self.proxy is not None:
            steps.append(("the proxy", self.proxy.stop))
        if self.capture is not None:
            steps.append(("the capture", self._stop_capture))
        steps += [
            ("the publisher", self.publisher.close),
            ("the journal", self.journal.close),
            ("the HTTP client", self.http.aclose),
        ]
        if self.operator is not None:
            steps.append(("the local operator", in_thread(self.operator.close)))
        failures: list[Exception] = []
        for name, close in steps:
            try:
                await close()
            except Exception as exc:  # every part must get its turn, whatever failed before
                _log.warning("closing %s failed: %s", name, exc)
                exc.add_note(f"(while closing {name})")
                failures.append(exc)
        if self.folder_lock is not None:  # last: the folder is free once everything is shut
            self.folder_lock.release()
        if failures:
            first, *others = failures
            for other in others:
                first.add_note(f"also failed: {other}")
            raise first


async def open_services(
    data_dir: Path,
    *,
    env: str = "local",
    operator_mode: OperatorMode | str = OperatorMode.LOOPBACK,
    operator_dir: Path | None = None,
    operator_port: int = 0,
    lifetimes: Lifetimes | str = "local",
    clock: Clock | None = None,
    credentials: Credentials | None = None,
    credential_store: CredentialStore | None = None,
    require_credentials: bool = True,
    returning: bool = True,
    session: str | None = None,
    guide: Guide | str = Guide.SERVER_ONLY,
) -> DeskServices:
    """Start a desk on ``env`` with its state in ``data_dir``.

    On ``local`` the embedded operator starts (its data in ``operator_dir``, by default
    ``<data_dir>/operator``; in loopback mode on ``127.0.0.1:operator_port``, 0 picking a
    free port) and its publisher credentials are used. Elsewhere credentials
    come from ``credentials``, else ``credential_store`` (by default ``UID2_API_KEY`` /
    ``UID2_SECRET``, then the OS keychain); without any, a :class:`CredentialsError` is raised
    if ``require_credentials``, else the publisher starts without a client.

    A legacy ``guide`` (v1 API) needs the local operator, which is then opened with
    ``legacy_v1`` and called through a :class:`LegacyV1Client`.
    """
    environment = Environment.from_cli(env)
    guide = Guide.named(guide) if isinstance(guide, str) else guide
    if guide.legacy_v1 and environment.is_remote:
        raise InputError(
            f"The {guide.display_name} calls the v1 API, which real operators removed in "
            "July 2025: play it on the local operator (--env local)."
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    folder_lock = FolderLock.acquire(data_dir)  # one desk per data folder, checked first
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(folder_lock.release)
        # What opened is closed again if a later part fails or is cancelled; else aclose().
        undo = Undo(stack)
        if environment.is_remote:
            desk_clock: Clock = clock or SystemClock()
            credentials = await credentials_for(
                environment, credentials, credential_store, require_credentials
            )
            http = await undo.opened(open_http_client(), lambda h: h.aclose())
            operator = server = None
            client = (
                None
                if credentials is None
                else OperatorClient(http, environment, credentials, clock=desk_clock)
            )
        else:
            desk_clock = WarpClock(clock)
            op_dir = operator_dir if operator_dir is not None else data_dir / OPERATOR_DIR
            op_dir.mkdir(parents=True, exist_ok=True)
            opening = asyncio.to_thread(
                LocalOperator.open,
                op_dir,
                clock=desk_clock,
                lifetimes=lifetimes_of(lifetimes),
                legacy_v1=guide.legacy_v1,
            )
            operator = await undo.opened(opening, lambda op: asyncio.to_thread(op.close))
            if OperatorMode(operator_mode) is OperatorMode.LOOPBACK:
                server = OperatorServer(operator, host="127.0.0.1", port=operator_port)
                await undo.opened(asyncio.to_thread(server.start), in_thread(server.stop))
                http = await undo.opened(open_http_client(), lambda h: h.aclose())
                environment = environment.with_base_url(server.base_url)
            else:
                server = None
                transport = httpx.ASGITransport(app=operator.asgi_app)
                http = await undo.opened(
                    open_http_client(transport=transport), lambda h: h.aclose()
                )
                environment = environment.with_base_url(IN_PROCESS_URL)
            mine = operator.credentials.publisher
            client_type = LegacyV1Client if guide.legacy_v1 else OperatorClient
            client = client_type(
                http, environment, Credentials(mine.api_key, mine.secret), clock=desk_clock
            )
        journal = await undo.opened(AsyncJournal.open(data_dir / JOURNAL_FILE), lambda j: j.close())
        opening_publisher = Publisher.open(
            data_dir,
            journal=journal,
            environment=environment,
            clock=desk_clock,
            client=client,
            session=session,
            returning=returning,
            guide=guide,
        )
        publisher = await undo.opened(opening_publisher, lambda p: p.close())
        publisher.use_device(device_for(http, environment, desk_clock, data_dir, operator))
        buyer = capture = None
        if operator is not None:
            capture = undo.started(capture_into(journal, publisher, operator), lambda c: c.stop())
            dsp = operator.credentials.dsp
            buyer_client = OperatorClient(
                http, environment, Credentials(dsp.api_key, dsp.secret), clock=desk_clock
            )
            buyer = Buyer(buyer_client, publisher)
        stack.pop_all()
    return DeskServices(
        data_dir=data_dir,
        environment=environment,
        clock=desk_clock,
        http=http,
        journal=journal,
        publisher=publisher,
        operator=operator,
        server=server,
        buyer=buyer,
        capture=capture,
        lan=None if server is None or operator is None else LanSharing(operator, server.port),
        folder_lock=folder_lock,
        handoff=None if server is None else DeskHandOff(publisher, server.base_url, data_dir),
        proxy=DeskProxy(journal, publisher),
    )
