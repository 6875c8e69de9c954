"""The publisher's side of the wire: :class:`OperatorClient`.

One client per (environment, credentials), over one long-lived ``httpx.AsyncClient`` that
the caller injects and closes (so tests can mount the local operator with
``httpx.ASGITransport`` and the app can share a connection pool).

Design: calls never raise for what happens on the wire. Each returns an
:class:`~uid2_desk.client.results.Outcome` with the complete
:class:`~uid2_desk.protocol.exchange.Exchange` and either a value or an error from
:mod:`uid2_desk.protocol.errors`; ``outcome.unwrap()`` re-raises for callers that want that.
Recording an exchange and turning it into an outcome is :mod:`uid2_desk.client.exchange_outcomes`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import httpx

from uid2_desk import __version__
from uid2_desk.client.bodies import (
    parse_key_bundle,
    parse_optout_status,
    parse_validate_body,
    redact_key_secrets,
    success_body,
)
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.environments import Environment
from uid2_desk.client.exchange_outcomes import (
    failed_outcome,
    finished_outcome,
    new_exchange,
    reply_text,
)
from uid2_desk.client.replies import (
    StatusDocument,
    parse_status_document,
    reply_bytes,
    token_result,
    unreadable_reply,
)
from uid2_desk.client.results import (
    KeyBundle,
    OptOutStatus,
    Outcome,
    TokenResult,
)
from uid2_desk.client.wire import WireResult, post
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.envelope import (
    open_refresh_reply,
    open_response,
    seal_request,
    to_base64,
)
from uid2_desk.protocol.errors import (
    DecryptionError,
    EnvelopeError,
    NonceMismatchError,
    PayloadError,
)
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import Dii

log = logging.getLogger(__name__)
T = TypeVar("T")

CLIENT_VERSION = f"uid2-desk-{__version__}"
#: What the official Python SDK sends (urllib's default for a bytes body).
CONTENT_TYPE = "application/x-www-form-urlencoded"
DEFAULT_TIMEOUT_S = 10.0

GENERATE = "/v2/token/generate"
REFRESH = "/v2/token/refresh"
VALIDATE = "/v2/token/validate"
KEY_SHARING = "/v2/key/sharing"
KEY_BIDSTREAM = "/v2/key/bidstream"
OPTOUT_STATUS = "/v2/optout/status"


def _compact(obj: object) -> str:
    return json.dumps(obj, separators=(",", ":"))


class OperatorClient:
    """Calls one operator's v2 endpoints with one set of credentials.

    Attributes:
        environment: where the calls go (its ``base_url`` must be known).
        credentials: the API key and client secret (never logged or recorded).
        clock: desk clock for envelope timestamps and ``Exchange.started_ms``.
        timeout_s: per-request limit in seconds (``None``: the injected client's default).
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        environment: Environment,
        credentials: Credentials,
        *,
        clock: Clock,
        timeout_s: float | None = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._http = http
        self._base_url = environment.require_base_url()
        self.environment = environment
        self.credentials = credentials
        self.clock = clock
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"OperatorClient({self.environment.id!r}, {self.credentials!r})"

    # -- public calls ---------------------------------------------------------------------

    async def generate(
        self, dii: Dii, *, send_raw: bool = False, tcf_consent_string: str | None = None
    ) -> Outcome[TokenResult]:
        """``/v2/token/generate`` for ``dii`` (hashed unless ``send_raw``).

        Value: :class:`TokenResult` with SUCCESS and an identity, OPTOUT, or (EUID)
        INSUFFICIENT_USER_CONSENT.
        """
        field, value = dii.request_field(send_raw=send_raw)
        payload: dict[str, object] = {field: value}
        if tcf_consent_string is not None:
            payload["tcf_consent_string"] = tcf_consent_string
        return await self._encrypted(GENERATE, payload, token_result)

    async def refresh(self, identity: Identity) -> Outcome[TokenResult]:
        """``/v2/token/refresh`` with ``identity``'s refresh token (no envelope).

        The reply is decrypted with the identity's ``refresh_response_key``, or read as
        plain JSON if it has none. Value: SUCCESS with the new identity, or OPTOUT.
        Callers should first check the environment with
        :func:`~uid2_desk.client.environments.ensure_same_environment`.
        """
        return await self.refresh_token(identity.refresh_token, identity.refresh_response_key)

    async def refresh_token(
        self, refresh_token: str, refresh_response_key: bytes | None
    ) -> Outcome[TokenResult]:
        """Refresh from the raw refresh token and its response key (see :meth:`refresh`)."""
        url = self._base_url + REFRESH
        started = self.clock.now_ms()
        body = refresh_token.encode("utf-8")
        wire = await post(
            self._http, url, headers=self._headers(), body=body, timeout_s=self.timeout_s
        )
        exchange = self._exchange(REFRESH, started, wire, body=body, plain=refresh_token)
        if wire.reply is None or wire.reply.status != 200:
            return self._failed(exchange, wire)
        try:
            if refresh_response_key is None:
                plaintext = wire.reply.body
            else:
                opened, parts = open_refresh_reply(refresh_response_key, reply_bytes(wire.reply))
                plaintext = opened
                exchange = dataclasses.replace(exchange, response_envelope=parts)
            exchange = dataclasses.replace(exchange, response_plaintext=reply_text(plaintext))
            doc = parse_status_document(plaintext)
            exchange = dataclasses.replace(exchange, operator_status=doc.status)
            value = token_result(doc)
        except (EnvelopeError, DecryptionError) as exc:
            return finished_outcome(
                exchange, error=unreadable_reply(exc, self.environment.display_name, refresh=True)
            )
        except PayloadError as exc:
            return finished_outcome(exchange, error=exc)
        return finished_outcome(exchange, value=value)

    async def validate(
        self, advertising_token: str, dii: Dii, *, send_raw: bool = False
    ) -> Outcome[bool]:
        """``/v2/token/validate``: does ``advertising_token`` belong to ``dii``?"""
        field, value = dii.request_field(send_raw=send_raw)
        payload = {"token": advertising_token, field: value}
        return await self._encrypted(VALIDATE, payload, parse_validate_body)

    async def key_sharing(self) -> Outcome[KeyBundle]:
        """``/v2/key/sharing`` (SHARER or ID_READER role): keys to encrypt/decrypt tokens."""
        return await self._encrypted(
            KEY_SHARING, None, lambda d: parse_key_bundle(success_body(d.status, d.body))
        )

    async def key_bidstream(self) -> Outcome[KeyBundle]:
        """``/v2/key/bidstream`` (ID_READER role): keys a DSP uses to decrypt bid requests."""
        return await self._encrypted(
            KEY_BIDSTREAM, None, lambda d: parse_key_bundle(success_body(d.status, d.body))
        )

    async def optout_status(self, advertising_ids: Sequence[str]) -> Outcome[OptOutStatus]:
        """``/v2/optout/status`` for raw UID2s (MAPPER, SHARER or ID_READER role)."""
        payload = {"advertising_ids": list(advertising_ids)}
        return await self._encrypted(
            OPTOUT_STATUS, payload, lambda d: parse_optout_status(success_body(d.status, d.body))
        )

    # -- the machinery --------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.credentials.api_key}",
            "X-UID2-Client-Version": CLIENT_VERSION,
            "Content-Type": CONTENT_TYPE,
        }

    def _exchange(
        self, endpoint: str, started: int, wire: WireResult, *, body: bytes, plain: str
    ) -> Exchange:
        url = self._base_url + endpoint
        return new_exchange(self.environment, url, endpoint, started, wire, body=body, plain=plain)

    async def _encrypted(
        self,
        endpoint: str,
        payload: Mapping[str, object] | None,
        parse: Callable[[StatusDocument], T],
    ) -> Outcome[T]:
        """Seal ``payload``, POST it, open the reply, check the nonce, and parse it."""
        url = self._base_url + endpoint
        started = self.clock.now_ms()
        plain = "" if payload is None else _compact(payload)
        sealed = seal_request(
            self.credentials.secret_bytes, plain.encode("utf-8"), timestamp_ms=started
        )
        body = to_base64(sealed.raw).encode("ascii")
        wire = await post(
            self._http, url, headers=self._headers(), body=body, timeout_s=self.timeout_s
        )
        exchange = self._exchange(endpoint, started, wire, body=body, plain=plain)
        exchange = dataclasses.replace(exchange, request_envelope=sealed.parts)
        if wire.reply is None or wire.reply.status != 200:
            return self._failed(exchange, wire)
        try:
            opened = open_response(
                self.credentials.secret_bytes, reply_bytes(wire.reply), expected_nonce=None
            )
        except (EnvelopeError, DecryptionError) as exc:
            return finished_outcome(
                exchange, error=unreadable_reply(exc, self.environment.display_name, refresh=False)
            )
        text = reply_text(opened.payload)
        if endpoint in (KEY_SHARING, KEY_BIDSTREAM):
            text = redact_key_secrets(text)
        nonce_ok = opened.nonce == sealed.nonce
        exchange = dataclasses.replace(
            exchange,
            response_envelope=opened.parts,
            response_plaintext=text,
            nonce_ok=nonce_ok,
            server_time_ms=opened.timestamp_ms,
        )
        if not nonce_ok:
            return finished_outcome(
                exchange,
                error=NonceMismatchError(
                    f"The reply from {self.environment.display_name} echoes nonce "
                    f"{opened.nonce.hex()}, but the request sent {sealed.nonce.hex()}: the answer "
                    "belongs to another request (a replay, or a caching proxy). Do not trust it; "
                    "try again, bypassing any proxy."
                ),
            )
        try:
            doc = parse_status_document(opened.payload)
            exchange = dataclasses.replace(exchange, operator_status=doc.status)
            value = parse(doc)
        except PayloadError as exc:
            return finished_outcome(exchange, error=exc)
        return finished_outcome(exchange, value=value)

    def _failed(self, exchange: Exchange, wire: WireResult) -> Outcome[T]:
        return failed_outcome(exchange, wire, self.credentials, self.environment)
