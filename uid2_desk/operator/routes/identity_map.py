"""``/v2/identity/map`` and ``/v3/identity/map`` (uid2-protocol.md §3.5, §3.6), MAPPER role.

Salts never rotate on the local operator, so v3 reports no previous UID and asks callers
to check again from the next UTC midnight.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from uid2_desk.operator.core import (
    IDENTIFIER_FIELDS,
    EnvelopeCall,
    OperatorCore,
    enveloped_route,
)
from uid2_desk.operator.http import wire
from uid2_desk.operator.state.credentials import Role
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import DiiKind, parse_dii

MAPPER = frozenset({Role.MAPPER})
_DAY_S = 86_400
OPTOUT_REASON = "optout"
INVALID_REASON = "invalid identifier"
MSG_V2_ONE_ARRAY = (
    "Required Parameter Missing: exactly one of [email, email_hash, phone, phone_hash] "
    "must be specified"
)
MSG_V3_ANY_ARRAY = (
    "Required Parameter Missing: one or more of [email, email_hash, phone, phone_hash] "
    "must be specified"
)
MSG_INVALID_BODY = "Invalid request body"


class MapRoutes:
    """Handlers of the identity map endpoints."""

    def __init__(self, core: OperatorCore) -> None:
        self._core = core

    def routes(self) -> list[Route]:
        """The Starlette routes of these endpoints."""
        return [
            enveloped_route(self._core, "/v2/identity/map", MAPPER, self.map_v2),
            enveloped_route(self._core, "/v3/identity/map", MAPPER, self.map_v3),
        ]

    def _map(self, kind: DiiKind, value: object) -> tuple[str, int] | str:
        """``(advertising_id, bucket)`` or the unmapped reason."""
        if not isinstance(value, str):
            return INVALID_REASON
        try:
            dii = parse_dii(kind, value)
        except InputError:
            return INVALID_REASON
        mapped = self._core.issuer.map_identity(dii.hash_b64, dii.identity_type)
        if mapped is None:
            return OPTOUT_REASON
        return mapped.advertising_id, mapped.bucket

    async def map_v2(self, call: EnvelopeCall) -> Response:
        """Map one array of DII: ``mapped`` and (when any) ``unmapped``."""
        payload = call.payload
        present = [k for k in IDENTIFIER_FIELDS if payload.get(k.value)]
        if len(present) != 1:
            return wire.client_error(call.request, MSG_V2_ONE_ARRAY)
        kind = present[0]
        values = payload[kind.value]
        if not isinstance(values, list):
            return wire.client_error(call.request, MSG_INVALID_BODY)
        mapped: list[dict[str, Any]] = []
        unmapped: list[dict[str, Any]] = []
        for value in values:
            result = self._map(kind, value)
            if isinstance(result, str):
                unmapped.append({"identifier": value, "reason": result})
            else:
                mapped.append(
                    {"identifier": value, "advertising_id": result[0], "bucket_id": str(result[1])}
                )
        body: dict[str, Any] = {"mapped": mapped}
        if unmapped:
            body["unmapped"] = unmapped
        return call.reply(wire.success_document(body), self._core.clock.now_ms())

    async def map_v3(self, call: EnvelopeCall) -> Response:
        """Map any of the four arrays; every array answered in input order."""
        payload = call.payload
        if not any(payload.get(k.value) is not None for k in IDENTIFIER_FIELDS):
            return wire.client_error(call.request, MSG_V3_ANY_ARRAY)
        refresh_from_s = (self._core.clock.now_ms() // 1000 // _DAY_S + 1) * _DAY_S
        body: dict[str, list[dict[str, Any]]] = {}
        for kind in (DiiKind.EMAIL, DiiKind.EMAIL_HASH, DiiKind.PHONE, DiiKind.PHONE_HASH):
            values = payload.get(kind.value) or []
            if not isinstance(values, list):
                return wire.client_error(call.request, MSG_INVALID_BODY)
            answers: list[dict[str, Any]] = []
            for value in values:
                result = self._map(kind, value)
                if isinstance(result, str):
                    answers.append({"e": result})
                else:
                    answers.append({"u": result[0], "p": None, "r": refresh_from_s})
            body[kind.value] = answers
        return call.reply(wire.success_document(body), self._core.clock.now_ms())
