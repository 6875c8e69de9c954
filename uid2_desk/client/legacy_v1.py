"""The legacy v1 token calls of the original guides: :class:`LegacyV1Client`.

The custom publisher guide, the v1 SDK guide and the v1 server-only guide call
``GET /v1/token/generate?email=…``, ``GET /v1/token/refresh?refresh_token=…`` and
``GET /v1/token/validate?token=…&email=…``: the DII travels in the query string, nothing is
encrypted, and the reply is plain JSON ``{"body": …, "status": …}`` with no envelope and no
``refresh_response_key``. Real operators removed these routes in July 2025; only the local
operator opened with ``legacy_v1`` still serves them.

:class:`LegacyV1Client` is an :class:`~uid2_desk.client.operator_client.OperatorClient`
whose ``generate``, ``refresh`` and ``validate`` make the v1 calls, so the publisher plays a
v1 guide without knowing which API it talks to. Each call is an
:class:`~uid2_desk.protocol.exchange.Exchange` like the v2 ones (method ``GET``, the URL with
its query); failures go through the same error tree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TypeVar
from urllib.parse import urlencode

from uid2_desk.client.bodies import parse_validate_body
from uid2_desk.client.exchange_outcomes import finished_outcome, new_exchange, reply_text
from uid2_desk.client.operator_client import CLIENT_VERSION, OperatorClient
from uid2_desk.client.replies import StatusDocument, parse_status_document, token_result
from uid2_desk.client.results import Outcome, TokenResult
from uid2_desk.client.wire import send
from uid2_desk.protocol.errors import PayloadError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import Dii

T = TypeVar("T")

V1_GENERATE = "/v1/token/generate"
V1_REFRESH = "/v1/token/refresh"
V1_VALIDATE = "/v1/token/validate"


class LegacyV1Client(OperatorClient):
    """An operator client that generates, refreshes and validates through the v1 GET API.

    The other calls (keys, opt-out status) stay v2: the v1 guides never made them.
    """

    def __repr__(self) -> str:
        return f"LegacyV1Client({self.environment.id!r}, {self.credentials!r})"

    async def generate(
        self, dii: Dii, *, send_raw: bool = False, tcf_consent_string: str | None = None
    ) -> Outcome[TokenResult]:
        """``GET /v1/token/generate?email=…`` (or ``email_hash``, ``phone``, ``phone_hash``).

        v1 has no consent parameter, so ``tcf_consent_string`` is refused rather than dropped.
        """
        if tcf_consent_string is not None:
            raise ValueError("the v1 API has no tcf_consent_string; use the v2 client for EUID")
        field, value = dii.request_field(send_raw=send_raw)
        return await self._get(V1_GENERATE, [(field, value)], token_result)

    async def refresh(self, identity: Identity) -> Outcome[TokenResult]:
        """``GET /v1/token/refresh?refresh_token=…``: a plain JSON reply, nothing to decrypt."""
        return await self.refresh_token(identity.refresh_token, None)

    async def refresh_token(
        self, refresh_token: str, refresh_response_key: bytes | None
    ) -> Outcome[TokenResult]:
        """Refresh from the raw refresh token; v1 replies carry no key, so none is used."""
        return await self._get(V1_REFRESH, [("refresh_token", refresh_token)], token_result)

    async def validate(
        self, advertising_token: str, dii: Dii, *, send_raw: bool = False
    ) -> Outcome[bool]:
        """``GET /v1/token/validate?token=…&email=…``: is the token the DII's?"""
        field, value = dii.request_field(send_raw=send_raw)
        query = [("token", advertising_token), (field, value)]
        return await self._get(V1_VALIDATE, query, parse_validate_body)

    async def _get(
        self,
        endpoint: str,
        query: Sequence[tuple[str, str]],
        parse: Callable[[StatusDocument], T],
    ) -> Outcome[T]:
        """GET ``endpoint`` with ``query`` and read the plain JSON status document."""
        query_text = urlencode(query)
        url = f"{self._base_url}{endpoint}?{query_text}"
        started = self.clock.now_ms()
        headers = {
            "Authorization": f"Bearer {self.credentials.api_key}",
            "X-UID2-Client-Version": CLIENT_VERSION,
        }
        wire = await send(
            self._http, "GET", url, headers=headers, body=b"", timeout_s=self.timeout_s
        )
        exchange = new_exchange(
            self.environment, url, endpoint, started, wire, body=b"", plain=query_text
        )
        exchange = dataclasses.replace(exchange, method="GET")
        if wire.reply is None or wire.reply.status != 200:
            return self._failed(exchange, wire)
        exchange = dataclasses.replace(exchange, response_plaintext=reply_text(wire.reply.body))
        try:
            doc = parse_status_document(wire.reply.body)
            exchange = dataclasses.replace(exchange, operator_status=doc.status)
            value = parse(doc)
        except PayloadError as exc:
            return finished_outcome(exchange, error=exc)
        return finished_outcome(exchange, value=value)
