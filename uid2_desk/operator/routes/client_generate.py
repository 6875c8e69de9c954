"""``POST /v2/token/client-generate``: client-side token generation (uid2-protocol.md §3.4).

No API key and no envelope: a page or app seals the DII hash with the site's public key
(ECDH P-256) and the operator answers with the identity sealed the same way. The checks run
in the order of OP ``handleClientSideTokenGenerateImpl``, each with its status and message:

1. 400 ``json payload is not valid`` / ``json payload expected but not found``;
2. 500 ``unknown`` for JSON that is not an object, or an object that does not map onto
   ``CstgRequest`` (an unknown field, a timestamp that is no integer…);
3. 400 ``bad subscription_id``; 401 ``unauthorized`` ``Unauthorized`` (disabled key pair);
4. 403 ``invalid_app_name`` / ``invalid_http_origin`` (app name if sent, else Origin);
5. 400 ``required parameters: payload, iv, public_key``, ``bad public key``, ``bad iv``,
   ``payload decryption failed``, ``encrypted payload contains invalid json``,
   ``please provide exactly one of: email_hash, phone_hash``, ``Invalid Identifier``;
6. 500 ``No active encryption key available``; anything unexpected: 500 ``unknown``.

There is no timestamp window: the timestamp only enters the AAD (the operator dropped its
freshness check). Tokens carry privacy bits 3 (legacy + CSTG) and the key pair's site; the
200 reply has no Content-Type, as the operator sends none.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from uid2_desk.operator.core import OperatorCore
from uid2_desk.operator.http import wire
from uid2_desk.operator.routes.cstg_request import BodyProblem, MappingError, map_fields, parse_body
from uid2_desk.operator.state.cstg_origin import is_app_allowed, is_origin_allowed
from uid2_desk.operator.state.cstg_sites import CstgKeypair
from uid2_desk.operator.state.keys import NoActiveKeyError
from uid2_desk.protocol.crypto import IV_LENGTH
from uid2_desk.protocol.cstg import EMAIL_HASH, PHONE_HASH, open_payload, request_aad, seal_reply
from uid2_desk.protocol.cstg import shared_key as derive_shared_key
from uid2_desk.protocol.cstg_keys import CstgKeyError, load_spki
from uid2_desk.protocol.envelope import decode_base64_java
from uid2_desk.protocol.errors import DecryptionError, EnvelopeError, InputError
from uid2_desk.protocol.normalize import DiiKind, parse_dii

PATH = "/v2/token/client-generate"
#: Legacy bit (0) and client-side generation bit (1) (OP ``PrivacyBits``).
CSTG_PRIVACY_BITS = 0b11
INVALID_HTTP_ORIGIN = "invalid_http_origin"
INVALID_APP_NAME = "invalid_app_name"
MSG_UNKNOWN = "Unknown error while handling client side token generate"
MSG_BAD_SUBSCRIPTION = "bad subscription_id"
MSG_UNAUTHORIZED = "Unauthorized"
MSG_UNEXPECTED_ORIGIN = "unexpected http origin"
MSG_UNEXPECTED_APP = "unexpected app name"
MSG_REQUIRED = "required parameters: payload, iv, public_key"
MSG_BAD_PUBLIC_KEY = "bad public key"
MSG_BAD_IV = "bad iv"
MSG_DECRYPTION_FAILED = "payload decryption failed"
MSG_INVALID_JSON = "encrypted payload contains invalid json"
MSG_EXACTLY_ONE = "please provide exactly one of: email_hash, phone_hash"


class _RefusalError(Exception):
    """A reply decided part-way through (raised so each step stays one line)."""

    def __init__(self, http_status: int, status: str, message: str) -> None:
        super().__init__(message)
        self.http_status, self.status, self.message = http_status, status, message


def _bad_request(message: str) -> _RefusalError:
    return _RefusalError(400, wire.CLIENT_ERROR, message)


class ClientGenerateRoute:
    """The client-side token generation endpoint over one :class:`OperatorCore`."""

    def __init__(self, core: OperatorCore) -> None:
        self._core = core

    def routes(self) -> list[Route]:
        """The Starlette route of this endpoint."""
        return [Route(PATH, self.client_generate, methods=["POST"])]

    async def client_generate(self, request: Request) -> Response:
        """Answer one CSTG request as the operator does."""
        try:
            return await self._handle(request)
        except _RefusalError as refusal:
            return wire.error(request, refusal.http_status, refusal.status, refusal.message)
        except Exception:  # the operator's catch-all around the whole handler
            return wire.error(request, 500, wire.UNKNOWN, MSG_UNKNOWN)

    async def _handle(self, request: Request) -> Response:
        document = parse_body(await request.body())
        if isinstance(document, BodyProblem):
            raise _bad_request(document.value)
        try:
            fields = map_fields(document)
        except MappingError:
            raise _RefusalError(500, wire.UNKNOWN, MSG_UNKNOWN) from None
        notes = wire.context_of(request).notes
        notes.client_side(str(fields.subscription_id or ""), fields.app_name)
        pair = self._core.cstg.keypair(fields.subscription_id)
        if pair is None:
            raise _bad_request(MSG_BAD_SUBSCRIPTION)
        if pair.disabled:
            raise _RefusalError(401, wire.UNAUTHORIZED, MSG_UNAUTHORIZED)
        self._check_origin_or_app(request, pair, fields.app_name)
        if fields.payload is None or fields.iv is None or fields.public_key is None:
            raise _bad_request(MSG_REQUIRED)
        try:
            client_public = load_spki(decode_base64_java(fields.public_key))
        except (EnvelopeError, CstgKeyError):
            raise _bad_request(MSG_BAD_PUBLIC_KEY) from None
        key = derive_shared_key(pair.private_key, client_public)  # other curve: 500
        iv = _decoded(fields.iv, MSG_BAD_IV)
        if len(iv) != IV_LENGTH:
            raise _bad_request(MSG_BAD_IV)
        sealed = _decoded(fields.payload, MSG_DECRYPTION_FAILED)
        aad = request_aad(fields.timestamp, fields.app_name)
        try:
            plaintext = open_payload(key, iv, sealed, aad)
        except DecryptionError:
            raise _bad_request(MSG_DECRYPTION_FAILED) from None
        notes.request_plaintext = plaintext.decode("utf-8", "replace")
        notes.facts += [("cstg.client_public_key", fields.public_key), ("cstg.iv", fields.iv)]
        notes.facts.append(("cstg.aad", aad.decode("utf-8", "replace")))
        kind, value = _identifier(plaintext)
        try:
            dii = parse_dii(kind, value)
        except InputError:
            raise _bad_request(wire.MSG_INVALID_IDENTIFIER) from None
        core = self._core
        now_ms = core.clock.now_ms()
        try:
            identity = core.issuer.generate(
                dii.hash_b64,
                dii.identity_type,
                pair.site_id,
                now_ms,
                privacy_bits=CSTG_PRIVACY_BITS,
            )
        except NoActiveKeyError:
            # Not reached in tests: the key pair is the publisher's site, which KeyRing.open
            # gave a keyset; kept because site_key raises for a site without.
            raise _RefusalError(500, wire.UNKNOWN, wire.MSG_NO_ACTIVE_KEY) from None
        reply: dict[str, Any] = {"status": wire.OPTOUT}
        if identity is not None:
            reply = wire.success_document(identity.to_body())
        wire.context_of(request).status = str(reply["status"])
        plaintext = wire.json_bytes(reply)
        notes.replied(plaintext, None)
        return Response(seal_reply(key, plaintext).encode("ascii"), 200)

    def _check_origin_or_app(
        self, request: Request, pair: CstgKeypair, app_name: str | None
    ) -> None:
        names = self._core.cstg.names_of(pair.site_id)
        domains, apps = names if names is not None else ((), ())
        if app_name is not None:
            if not is_app_allowed(app_name, apps):
                raise _RefusalError(403, INVALID_APP_NAME, MSG_UNEXPECTED_APP)
        elif not is_origin_allowed(request.headers.get("origin"), domains):
            raise _RefusalError(403, INVALID_HTTP_ORIGIN, MSG_UNEXPECTED_ORIGIN)


def _decoded(text: str, message: str) -> bytes:
    try:
        return decode_base64_java(text)
    except EnvelopeError:
        raise _bad_request(message) from None


def _java_text(value: object) -> str | None:
    """``JsonObject.getString``: any value as its Java ``toString`` (``null`` stays null)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # Doubles, maps and lists print with characters no hash has ('.', '{', '['): the
    # exact text never matters, it is an invalid identifier either way.
    return repr(value)


def _identifier(plaintext: bytes) -> tuple[DiiKind, str]:
    """The one hash the decrypted payload names (``getString`` of each field)."""
    try:
        payload = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _bad_request(MSG_INVALID_JSON) from None
    if not isinstance(payload, dict):  # new JsonObject(buffer) refuses "null" too
        raise _bad_request(MSG_INVALID_JSON)
    email = _java_text(payload.get(EMAIL_HASH))
    phone = _java_text(payload.get(PHONE_HASH))
    if email is not None and phone is None:
        return DiiKind.EMAIL_HASH, email
    if phone is not None and email is None:
        return DiiKind.PHONE_HASH, phone
    raise _bad_request(MSG_EXACTLY_ONE)
