"""Exchanges recorded from the real local operator, for journal, export and layout tests.

Nothing here is built by hand: :func:`record` opens a real :class:`LocalOperator` on a
:class:`ManualClock`, mounts it in-process (``httpx.ASGITransport``), and has the real
:class:`OperatorClient` play one scripted session against it, keeping every
:class:`Exchange` the client recorded. Faults (500, 503) are the operator's own injected
faults; the timeout is a real one, against the same operator served on a loopback port with
a latency fault. The operator's clock runs :data:`SKEW_MS` ahead of the desk's, so the
records carry a real, non-zero clock skew.

The script (desk clock, from :data:`T0`, 2024-01-01 00:00:00 UTC; demo lifetimes: refresh
from 30 s, identity 2 min, refresh token 5 min):

==========  ============================================================================
T0 + 1 ms   generate for Jane (raw email): success
T0 + 2 s    generate for :data:`PHONE` (raw phone): success
T0 + 3 s    key sharing (the sharer's credentials): success
T0 + 60 s   refresh of Jane's identity: success
T0 + 61 s   generate by the DSP, which lacks the GENERATOR role: 401
T0 + 62 s   generate with the operator's clock 2.5 minutes ahead: 400 client_error
T0 + 63 s   generate under an injected ``http_500`` fault: 500
T0 + 64 s   generate under an injected ``http_503`` fault: 503
T0 + 65 s   generate for :data:`LEAVING`, who then opts out at T0 + 66 s
T0 + 90 s   refresh of that identity: 200 optout
T0 + 400 s  refresh of Jane's refreshed identity, past its refresh_expires: 400 expired_token
T0 + 500 s  generate for the opt-out test user: 200 optout
T0 + 600 s  generate for the opt-out test user that times out (a latency fault longer
            than the client's timeout)
==========  ============================================================================
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from uid2_desk.client import Credentials, Environment, OperatorClient
from uid2_desk.client.results import Outcome, TokenResult
from uid2_desk.operator import Fault, FaultKind, Lifetimes, LocalOperator, OperatorServer
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.envelope import decode_base64_body, open_response
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import DiiKind, parse_dii

#: 2024-01-01 00:00:00 UTC, where the desk clock starts.
T0 = 1_704_067_200_000
#: How far the operator's clock runs ahead of the desk's.
SKEW_MS = 1_234
#: The client's timeout for the request that times out, and the operator's delay for it.
TIMEOUT_S = 0.2
LATENCY_MS = 600
BASE_URL = "http://operator.local"
JANE = "jane.doe@example.com"
PHONE = "+15551234567"
LEAVING = "leaving@example.com"
OPTOUT = "optout@example.com"


@dataclass(frozen=True)
class Recorded:
    """The exchanges of the scripted session, by role, and the secrets they must never leak.

    The key secrets and credentials belong to a throw-away local operator; tests use them as
    canaries that must not show up in any export.
    """

    generate: Exchange
    phone_generate: Exchange
    key_sharing: Exchange
    refresh: Exchange
    unauthorized: Exchange
    client_error: Exchange
    server_error: Exchange
    unavailable: Exchange
    leaving_generate: Exchange
    optout_refresh: Exchange
    expired_refresh: Exchange
    optout_generate: Exchange
    timeout: Exchange
    #: The key-sharing reply as the operator sent it, key secrets included (the client
    #: masks them before recording).
    key_sharing_plaintext: str
    key_secrets: tuple[str, ...]
    publisher_api_key: str
    publisher_secret: str

    def with_authorization(self, exchange: Exchange, value: str) -> Exchange:
        """``exchange`` with its ``Authorization`` header set to ``value``.

        The client always masks the header; this shows the journal and the exports a record
        whose header was not masked, to prove they mask it themselves.
        """
        headers = tuple(
            (name, value if name.lower() == "authorization" else old)
            for name, old in exchange.request_headers
        )
        return dataclasses.replace(exchange, request_headers=headers)


def _identity(outcome: Outcome[TokenResult]) -> Identity:
    identity = outcome.unwrap().identity
    assert identity is not None, outcome.exchange
    return identity


async def _script(op: LocalOperator, clock: ManualClock) -> Recorded:
    creds = op.credentials
    env = Environment.local(BASE_URL)
    jane = parse_dii(DiiKind.EMAIL, JANE)
    op.admin.set_clock_offset(SKEW_MS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=op.asgi_app)) as http:

        def client(api_key: str, secret: str) -> OperatorClient:
            return OperatorClient(http, env, Credentials(api_key, secret), clock=clock)

        publisher = client(creds.publisher.api_key, creds.publisher.secret)
        sharer = client(creds.sharer.api_key, creds.sharer.secret)
        dsp = client(creds.dsp.api_key, creds.dsp.secret)

        clock.set(T0 + 1)
        generate = await publisher.generate(jane, send_raw=True)
        clock.set(T0 + 2_000)
        phone = await publisher.generate(parse_dii(DiiKind.PHONE, PHONE), send_raw=True)
        clock.set(T0 + 3_000)
        sharing = await sharer.key_sharing()
        clock.set(T0 + 60_000)
        refresh = await publisher.refresh(_identity(generate))
        clock.set(T0 + 61_000)
        unauthorized = await dsp.generate(jane, send_raw=True)
        clock.set(T0 + 62_000)
        op.admin.set_clock_offset(150_000)
        client_error = await publisher.generate(jane, send_raw=True)
        op.admin.set_clock_offset(SKEW_MS)
        clock.set(T0 + 63_000)
        op.admin.set_fault(Fault(FaultKind.HTTP_500, "/v2/token/generate", times=1))
        server_error = await publisher.generate(jane, send_raw=True)
        clock.set(T0 + 64_000)
        op.admin.set_fault(Fault(FaultKind.HTTP_503, "/v2/token/generate", times=1))
        unavailable = await publisher.generate(jane, send_raw=True)
        clock.set(T0 + 65_000)
        leaving = await publisher.generate(parse_dii(DiiKind.EMAIL, LEAVING), send_raw=True)
        clock.set(T0 + 66_000)
        op.admin.opt_out("email", LEAVING)
        clock.set(T0 + 90_000)
        optout_refresh = await publisher.refresh(_identity(leaving))
        clock.set(T0 + 400_000)
        expired = await publisher.refresh(_identity(refresh))
        clock.set(T0 + 500_000)
        optout_generate = await publisher.generate(parse_dii(DiiKind.EMAIL, OPTOUT), send_raw=True)

    clock.set(T0 + 600_000)
    op.admin.set_fault(Fault(FaultKind.LATENCY, "/v2/token/generate", latency_ms=LATENCY_MS))
    with OperatorServer(op) as server:
        async with httpx.AsyncClient() as http:
            slow = OperatorClient(
                http,
                Environment.local(server.base_url),
                Credentials(creds.publisher.api_key, creds.publisher.secret),
                clock=clock,
                timeout_s=TIMEOUT_S,
            )
            timeout = await slow.generate(parse_dii(DiiKind.EMAIL, OPTOUT), send_raw=True)
    op.admin.clear_faults()

    secret = base64.b64decode(creds.sharer.secret)
    request = sharing.exchange.request_envelope
    assert request is not None
    opened = open_response(
        secret, decode_base64_body(sharing.exchange.response_body), expected_nonce=request.nonce
    )
    plaintext = opened.payload.decode()
    keys = json.loads(plaintext)["body"]["keys"]
    return Recorded(
        generate=generate.exchange,
        phone_generate=phone.exchange,
        key_sharing=sharing.exchange,
        refresh=refresh.exchange,
        unauthorized=unauthorized.exchange,
        client_error=client_error.exchange,
        server_error=server_error.exchange,
        unavailable=unavailable.exchange,
        leaving_generate=leaving.exchange,
        optout_refresh=optout_refresh.exchange,
        expired_refresh=expired.exchange,
        optout_generate=optout_generate.exchange,
        timeout=timeout.exchange,
        key_sharing_plaintext=plaintext,
        key_secrets=tuple(str(k["secret"]) for k in keys),
        publisher_api_key=creds.publisher.api_key,
        publisher_secret=creds.publisher.secret,
    )


async def _record(data_dir: Path) -> Recorded:
    clock = ManualClock(T0)
    with LocalOperator.open(data_dir, clock=clock, lifetimes=Lifetimes.demo()) as op:
        return await _script(op, clock)


def record(data_dir: Path) -> Recorded:
    """Play the script against a fresh operator in ``data_dir`` and return what was recorded.

    Runs on a worker thread with its own event loop, so it can be called from a synchronous
    fixture whatever loop the test runner has set up.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _record(data_dir)).result()


@pytest.fixture(scope="session")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """The scripted session, recorded once per test session (about a second)."""
    return record(tmp_path_factory.mktemp("recorded-operator"))
