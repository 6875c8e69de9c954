"""The device's side of client-side token generation (CSTG): :class:`CstgClient`.

What the UID2 app SDKs (``UID2Manager.generateIdentity``) and the JavaScript SDK do, with no
API key: make a fresh P-256 key pair per call, seal the DII hash for the site's server public
key, POST it to ``/v2/token/client-generate`` as an app (``app_name``) or a web page (an
``Origin`` header), and open the sealed reply with the shared key. Refreshes then go to
``/v2/token/refresh`` without an API key, as the SDKs send them.

Like :class:`~uid2_desk.client.operator_client.OperatorClient`, calls never raise for what
happens on the wire: each returns an :class:`Outcome` whose :class:`Exchange` shows the CSTG
parts (``extra``: ``cstg.client_public_key``, ``cstg.iv``, ``cstg.aad``, as the operator's
capture names them; ``request_plaintext``: the sealed payload). The shared key never enters it.
"""

from __future__ import annotations

import base64
import dataclasses
import json

import httpx

from uid2_desk.client.cstg_errors import cstg_error
from uid2_desk.client.cstg_site import CstgSite, DeviceKind
from uid2_desk.client.environments import Environment
from uid2_desk.client.exchange_outcomes import finished_outcome, new_exchange, reply_text
from uid2_desk.client.operator_client import CLIENT_VERSION, DEFAULT_TIMEOUT_S, REFRESH
from uid2_desk.client.replies import parse_status_document, token_result
from uid2_desk.client.results import Outcome, TokenResult
from uid2_desk.client.wire import post
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.cstg import EMAIL_HASH, PHONE_HASH, build_request, open_reply
from uid2_desk.protocol.envelope import decode_base64_body, open_refresh_reply
from uid2_desk.protocol.errors import DecryptionError, EnvelopeError, PayloadError
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import Dii
from uid2_desk.protocol.tokens import IdentityType

CLIENT_GENERATE = "/v2/token/client-generate"
#: What the SDKs post: JSON text (the JS SDK sets no type; the mobile SDKs send JSON).
CONTENT_TYPE = "application/json"


class CstgClient:
    """One device calling one operator's client-side endpoints for one site.

    Attributes:
        environment: where the calls go.
        site: the site's subscription id and server public key (neither is secret).
        device: whether the device is an app (``app_name``) or a web page (``Origin``).
        clock: desk clock for the request timestamp and ``Exchange.started_ms``.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        environment: Environment,
        site: CstgSite,
        *,
        clock: Clock,
        timeout_s: float | None = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._http = http
        self._base_url = environment.require_base_url()
        self.environment = environment
        self.site = site
        self.clock = clock
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"CstgClient({self.environment.id!r}, {self.site.subscription_id!r})"

    async def generate(
        self, dii: Dii, *, app_name: str | None = None, origin: str | None = None
    ) -> Outcome[TokenResult]:
        """``/v2/token/client-generate`` for ``dii``'s hash, as an app or a web page.

        ``app_name`` makes the device an app; otherwise ``origin`` (default
        ``http://localhost``) goes in the ``Origin`` header as a browser sends it.
        """
        field = EMAIL_HASH if dii.identity_type is IdentityType.EMAIL else PHONE_HASH
        started = self.clock.now_ms()
        sealed = build_request(
            self.site.server_public_key,
            self.site.subscription_id,
            {field: dii.hash_b64},
            started,
            app_name=app_name,
        )
        body = _json_bytes(sealed.body)
        headers = self._headers()
        device = DeviceKind.APP if app_name is not None else DeviceKind.WEB
        if device is DeviceKind.WEB:
            headers["Origin"] = origin or "http://localhost"
        url = self._base_url + CLIENT_GENERATE
        wire = await post(self._http, url, headers=headers, body=body, timeout_s=self.timeout_s)
        payload = sealed.payload.decode("utf-8")
        exchange = new_exchange(
            self.environment, url, CLIENT_GENERATE, started, wire, body=body, plain=payload
        )
        parts = (
            ("cstg.client_public_key", sealed.client_public_key),
            ("cstg.iv", _b64(sealed.iv)),
            ("cstg.aad", sealed.aad.decode("utf-8")),
            ("cstg.payload", payload),
            ("cstg.subscription_id", self.site.subscription_id),
            ("cstg.device", app_name if app_name is not None else headers["Origin"]),
        )
        exchange = dataclasses.replace(exchange, extra=exchange.extra + parts)
        if wire.reply is None or wire.reply.status != 200:
            return self._failed(exchange, wire.error)
        try:
            plaintext = open_reply(sealed.key, wire.reply.body.strip())
        except DecryptionError:
            return finished_outcome(
                exchange,
                error=DecryptionError(
                    f"{self.environment.display_name} answered 200, but the reply does not open "
                    "with the key this device agreed with the server public key: the public key "
                    "may belong to another operator, or the reply was altered on the way."
                ),
            )
        return self._finish(exchange, plaintext)

    async def refresh(self, identity: Identity) -> Outcome[TokenResult]:
        """``/v2/token/refresh`` as the SDKs send it: the refresh token alone, no API key."""
        url = self._base_url + REFRESH
        started = self.clock.now_ms()
        body = identity.refresh_token.encode("utf-8")
        wire = await post(
            self._http, url, headers=self._headers(), body=body, timeout_s=self.timeout_s
        )
        exchange = new_exchange(
            self.environment, url, REFRESH, started, wire, body=body, plain=identity.refresh_token
        )
        if wire.reply is None or wire.reply.status != 200:
            return self._failed(exchange, wire.error)
        plaintext = wire.reply.body
        key = identity.refresh_response_key
        try:
            if key is not None:
                plaintext, parts = open_refresh_reply(key, decode_base64_body(wire.reply.body))
                exchange = dataclasses.replace(exchange, response_envelope=parts)
        except (EnvelopeError, DecryptionError):
            return finished_outcome(
                exchange,
                error=DecryptionError(
                    f"{self.environment.display_name} answered the refresh, but the reply does "
                    "not open with the identity's refresh_response_key; sign in again."
                ),
            )
        return self._finish(exchange, plaintext)

    def _headers(self) -> dict[str, str]:
        return {"X-UID2-Client-Version": CLIENT_VERSION, "Content-Type": CONTENT_TYPE}

    def _finish(self, exchange: Exchange, plaintext: bytes) -> Outcome[TokenResult]:
        exchange = dataclasses.replace(exchange, response_plaintext=reply_text(plaintext))
        try:
            doc = parse_status_document(plaintext)
            exchange = dataclasses.replace(exchange, operator_status=doc.status)
            return finished_outcome(exchange, value=token_result(doc))
        except PayloadError as exc:
            return finished_outcome(exchange, error=exc)

    def _failed(self, exchange: Exchange, transport: Exception | None) -> Outcome[TokenResult]:
        exchange, error = cstg_error(exchange, transport, self.environment.display_name)
        return finished_outcome(exchange, error=error)


def _json_bytes(document: object) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
