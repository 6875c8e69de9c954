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
from uid2_desk.operator.http.unexpected import HandlerFailureError
from uid2_desk.operator.http.vertx_json import NotAnArrayError, get_array, java_string
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
MSG_INCORRECT_FORMAT = "Incorrect request format"


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

    def _map(self, kind: DiiKind, text: str) -> tuple[str, int] | str:
        """``(advertising_id, bucket)`` or the unmapped reason."""
        try:
            dii = parse_dii(kind, text)
        except InputError:
            return INVALID_REASON
        mapped = self._core.issuer.map_identity(dii.hash_b64, dii.identity_type)
        if mapped is None:
            return OPTOUT_REASON
        return mapped.advertising_id, mapped.bucket

    async def map_v2(self, call: EnvelopeCall) -> Response:
        """Map one array of DII: ``mapped`` and (when any) ``unmapped``."""
        chosen = _v2_input(call.opened.payload)
        if isinstance(chosen, str):
            return wire.client_error(call.request, chosen)
        kind, values = chosen
        mapped: list[dict[str, Any]] = []
        unmapped: list[dict[str, Any]] = []
        for value in values:
            if value is None and kind is not DiiKind.PHONE:
                # normalizeEmail/normalize*Hash(null) throw; normalizePhone(null) is invalid.
                raise HandlerFailureError(f"InputUtil normalising a null {kind.value}")
            text = None if value is None else java_string(value)
            result = INVALID_REASON if text is None else self._map(kind, text)
            if isinstance(result, str):
                unmapped.append({"identifier": text, "reason": result})
            else:
                mapped.append(
                    {"identifier": text, "advertising_id": result[0], "bucket_id": str(result[1])}
                )
        body: dict[str, Any] = {"mapped": mapped}
        if unmapped:
            body["unmapped"] = unmapped
        return call.reply(wire.success_document(body), self._core.clock.now_ms())

    async def map_v3(self, call: EnvelopeCall) -> Response:
        """Map any of the four arrays; every array answered (empty or not) in input order."""
        payload = call.opened.payload
        if not payload:
            return wire.client_error(call.request, MSG_V3_ANY_ARRAY)
        arrays = _v3_input(payload)
        if arrays is None:
            return wire.client_error(call.request, MSG_INCORRECT_FORMAT)
        refresh_from_s = (self._core.clock.now_ms() // 1000 // _DAY_S + 1) * _DAY_S
        body: dict[str, list[dict[str, Any]]] = {}
        for kind, texts in arrays.items():
            answers: list[dict[str, Any]] = []
            for text in texts:
                result = self._map(kind, text)
                if isinstance(result, str):
                    answers.append({"e": result})
                else:
                    answers.append({"u": result[0], "p": None, "r": refresh_from_s})
            body[kind.value] = answers
        return call.reply(wire.success_document(body), self._core.clock.now_ms())


def _v2_input(payload: dict[str, Any] | None) -> tuple[DiiKind, list[Any]] | str:
    """The one array to map, or the 400 message (UOV ``getIdentityMapV2Input``).

    Each field is read with ``JsonParseUtils.parseArray``: a non-array answers "<field> must
    be an array" at once, and as the first answer sent it is the one the client sees. A
    second non-empty array ends the reading; only empty arrays map as an empty email list.
    """
    if payload is None:
        raise HandlerFailureError("getJsonArray on a null request")
    first_error: str | None = None
    chosen: tuple[DiiKind, list[Any]] | None = None
    any_present = False
    for kind in IDENTIFIER_FIELDS:
        try:
            values = get_array(payload, kind.value)
        except NotAnArrayError:
            first_error = first_error or f"{kind.value} must be an array"
            continue
        if values is None:
            continue
        any_present = True
        if values:
            if chosen is not None:
                return first_error or MSG_V2_ONE_ARRAY
            chosen = (kind, values)
    if first_error is not None:
        return first_error
    if not any_present:
        return MSG_V2_ONE_ARRAY
    return chosen if chosen is not None else (DiiKind.EMAIL, [])


def _v3_input(payload: dict[str, Any]) -> dict[DiiKind, list[str]] | None:
    """The four arrays as Jackson reads ``IdentityMapV3Request``, or ``None`` if it refuses.

    The API mapper fails on unknown properties, ``contentNulls = FAIL`` refuses null items,
    and a ``String[]`` takes no single value or object; scalars in an array are read as their
    text (Jackson's default coercion). A null or missing field is an empty array.
    """
    fields = {kind.value for kind in IDENTIFIER_FIELDS}
    if any(key not in fields for key in payload):
        return None
    arrays: dict[DiiKind, list[str]] = {}
    for kind in IDENTIFIER_FIELDS:
        values = payload.get(kind.value)
        if values is None:
            values = []
        if not isinstance(values, list):
            return None
        if any(v is None or isinstance(v, (dict, list)) for v in values):
            return None
        arrays[kind] = [java_string(v) for v in values]
    return arrays
