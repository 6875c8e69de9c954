"""``/v2/key/sharing``, ``/v2/key/bidstream``, ``/v2/key/latest``, ``/v2/optout/status`` and
``/ops/healthcheck`` (uid2-protocol.md §3.7-3.10).

Keys are published with epoch-second times, oldest activation first (the Python SDK's
keyset lookup bisects on that order); the master keyset is reported as 9999999 and refresh
keys are never exposed.
"""

from __future__ import annotations

import base64
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from uid2_desk.operator.core import EnvelopeCall, OperatorCore, enveloped_route
from uid2_desk.operator.http import wire
from uid2_desk.operator.http.unexpected import HandlerFailureError
from uid2_desk.operator.http.vertx_json import NotAnArrayError, get_array, java_string
from uid2_desk.operator.routes.site_data import site_data
from uid2_desk.operator.state.credentials import Role
from uid2_desk.operator.state.keys import MASTER_KEYSET_ID, MASTER_KEYSET_ID_FOR_SDKS
from uid2_desk.protocol.tokens import Key

SHARING_ROLES = frozenset({Role.SHARER, Role.ID_READER})
ID_READER = frozenset({Role.ID_READER})
OPTOUT_STATUS_ROLES = frozenset({Role.MAPPER, Role.SHARER, Role.ID_READER})

#: Sharing tokens live 30 days (the operator's sharing_token_expiry_seconds default).
SHARING_TOKEN_EXPIRY_S = 2_592_000
#: Tolerance added to the published maximum lifetimes (OP TOKEN_LIFETIME_TOLERANCE).
TOKEN_LIFETIME_TOLERANCE_S = 10
ALLOW_CLOCK_SKEW_S = 1800
OPTOUT_STATUS_MAX_IDS = 5000


def _secret(key: Key) -> str:
    return base64.b64encode(key.secret).decode("ascii")


class KeyRoutes:
    """Handlers of the key and opt-out status endpoints."""

    def __init__(self, core: OperatorCore) -> None:
        self._core = core

    def routes(self) -> list[Route]:
        """The Starlette routes of these endpoints."""
        core = self._core
        return [
            enveloped_route(core, "/v2/key/sharing", SHARING_ROLES, self.sharing),
            enveloped_route(core, "/v2/key/bidstream", ID_READER, self.bidstream),
            enveloped_route(core, "/v2/key/latest", ID_READER, self.latest),
            enveloped_route(core, "/v2/optout/status", OPTOUT_STATUS_ROLES, self.optout_status),
            Route("/ops/healthcheck", self.healthcheck, methods=["GET"]),
        ]

    async def sharing(self, call: EnvelopeCall) -> Response:
        """Keys for encrypting and decrypting sharing tokens."""
        core, client = self._core, call.client
        now_ms = core.clock.now_ms()
        own_keyset = core.keys.keyset_for_site(client.site_id)
        body: dict[str, Any] = {"caller_site_id": client.site_id}
        body["master_keyset_id"] = MASTER_KEYSET_ID_FOR_SDKS
        # Always true in tests: KeyRing.open gives every client's site a keyset; kept as
        # the operator leaves the field out for a site without one.
        if own_keyset is not None:
            body["default_keyset_id"] = own_keyset
        # A string on purpose: that is what the operator sends.
        body["token_expiry_seconds"] = str(SHARING_TOKEN_EXPIRY_S)
        if Role.SHARER in client.roles:
            body["max_sharing_lifetime_seconds"] = (
                SHARING_TOKEN_EXPIRY_S + TOKEN_LIFETIME_TOLERANCE_S
            )
        body["identity_scope"] = core.issuer.scope.name
        body["allow_clock_skew_seconds"] = ALLOW_CLOCK_SKEW_S
        keys = []
        published = core.keys.published_keys(now_ms)
        for key in published:
            entry: dict[str, Any] = {
                "id": key.id,
                "created": key.created_s,
                "activates": key.activates_s,
                "expires": key.expires_s,
                "secret": _secret(key),
            }
            if key.keyset_id == MASTER_KEYSET_ID:
                entry["keyset_id"] = MASTER_KEYSET_ID_FOR_SDKS
            elif key.keyset_id == own_keyset:
                entry["keyset_id"] = own_keyset
            keys.append(entry)
        body["keys"] = keys
        body["site_data"] = site_data(published, core.cstg)
        return call.reply(wire.success_document(body), now_ms)

    async def bidstream(self, call: EnvelopeCall) -> Response:
        """Keys for decrypting advertising tokens from the bidstream."""
        core = self._core
        now_ms = core.clock.now_ms()
        published = core.keys.published_keys(now_ms)
        body: dict[str, Any] = {
            "max_bidstream_lifetime_seconds": core.issuer.lifetimes.identity_s
            + TOKEN_LIFETIME_TOLERANCE_S,
            "identity_scope": core.issuer.scope.name,
            "allow_clock_skew_seconds": ALLOW_CLOCK_SKEW_S,
            "keys": [
                {
                    "id": key.id,
                    "created": key.created_s,
                    "activates": key.activates_s,
                    "expires": key.expires_s,
                    "secret": _secret(key),
                }
                for key in published
            ],
        }
        body["site_data"] = site_data(published, core.cstg)
        return call.reply(wire.success_document(body), now_ms)

    async def latest(self, call: EnvelopeCall) -> Response:
        """The legacy key list: a bare array, each key with its ``site_id``."""
        core = self._core
        now_ms = core.clock.now_ms()
        body = [
            {
                "id": key.id,
                "created": key.created_s,
                "activates": key.activates_s,
                "expires": key.expires_s,
                "secret": _secret(key),
                "site_id": key.site_id,
            }
            for key in core.keys.published_keys(now_ms)
        ]
        return call.reply(wire.success_document(body), now_ms)

    async def optout_status(self, call: EnvelopeCall) -> Response:
        """Which of the given raw UIDs are opted out, and since when."""
        core = self._core
        if call.opened.payload is None:
            return wire.client_error(call.request, "Invalid request body")
        try:
            ids = get_array(call.opened.payload, "advertising_ids")
        except NotAnArrayError:
            raise HandlerFailureError("getJsonArray on a non-array advertising_ids") from None
        if ids is None:
            return wire.client_error(call.request, "Required Parameter Missing: advertising_ids")
        if len(ids) > OPTOUT_STATUS_MAX_IDS:
            return wire.client_error(call.request, "Request payload is too large")
        opted_out = []
        for item in ids:
            # getString reads any item as text; a null item is looked up as null and, as far
            # as the store's code shows, found nowhere (inferred, not covered by its tests).
            advertising_id = None if item is None else java_string(item)
            record = None if advertising_id is None else core.issuer.optout_record(advertising_id)
            if record is not None:
                # The store keeps whole seconds: Instant.ofEpochSecond(ts).toEpochMilli().
                since_ms = record.optout_ms // 1000 * 1000
                opted_out.append({"advertising_id": advertising_id, "opted_out_since": since_ms})
        return call.reply(wire.success_document({"opted_out": opted_out}), core.clock.now_ms())

    async def healthcheck(self, request: Request) -> Response:
        """``OK`` while the operator serves."""
        return PlainTextResponse("OK")
