"""``/v2/token/generate``, ``/refresh``, ``/validate`` and ``/logout`` (uid2-protocol.md §3.1-3.3,
§3.10), with the operator's statuses, HTTP codes and messages."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from uid2_desk.operator.core import (
    EnvelopeCall,
    IdentifierProblem,
    OperatorCore,
    authenticate,
    enveloped_route,
    identifier_of,
    problem_reply,
    token_input,
)
from uid2_desk.operator.http import wire
from uid2_desk.operator.http.envelopes import is_octet_stream
from uid2_desk.operator.http.unexpected import unexpected_reply
from uid2_desk.operator.http.vertx_json import get_string
from uid2_desk.operator.issue_results import RefreshOutcome, Validation
from uid2_desk.operator.routes.refresh_input import decoder_throws, open_wrapper
from uid2_desk.operator.state.credentials import Role
from uid2_desk.operator.state.keys import NoActiveKeyError
from uid2_desk.protocol.envelope import seal_refresh_reply, to_base64
from uid2_desk.protocol.tokens import REFRESH_TOKEN_WRAPPER_LENGTH

GENERATOR = frozenset({Role.GENERATOR})
OPTOUT_ROLE = frozenset({Role.OPTOUT})
ANY_ROLE: frozenset[Role] = frozenset()

MSG_REFRESH_ERROR = "Error refreshing token"
MSG_INVALID_TOKEN = "Invalid Token presented"
MSG_EXPIRED_TOKEN = "Expired Token presented"
#: ``InputUtil.InputVal`` has no ``toString()``: logout prints Object's (class@hash).
INPUT_VAL_CLASS = "com.uid2.operator.service.InputUtil$InputVal"


def java_object_text(instance: object) -> str:
    """``Object.toString()`` of an ``InputVal``: its class, ``@``, an identity hash in hex.

    The hash differs on every request in the real operator too; ours comes from ``id()``.
    """
    return f"{INPUT_VAL_CLASS}@{id(instance) & 0x7FFFFFFF:x}"


class TokenRoutes:
    """Handlers of the token endpoints over one :class:`OperatorCore`."""

    def __init__(self, core: OperatorCore) -> None:
        self._core = core

    def routes(self) -> list[Route]:
        """The Starlette routes of these endpoints."""
        core = self._core
        return [
            enveloped_route(core, "/v2/token/generate", GENERATOR, self.generate),
            Route("/v2/token/refresh", self.refresh, methods=["POST"]),
            enveloped_route(core, "/v2/token/validate", GENERATOR, self.validate),
            enveloped_route(core, "/v2/token/logout", OPTOUT_ROLE, self.logout),
        ]

    async def generate(self, call: EnvelopeCall) -> Response:
        """Issue an identity for one DII, or ``optout``."""
        core = self._core
        dii = identifier_of(call.opened.payload)
        if isinstance(dii, IdentifierProblem):
            return problem_reply(call.request, dii)
        now_ms = core.clock.now_ms()
        try:
            identity = core.issuer.generate(
                dii.hash_b64, dii.identity_type, call.client.site_id, now_ms
            )
        except NoActiveKeyError:
            # Not reached in tests: KeyRing.open gives every client's site a keyset, so the caller's
            # site always has one; kept because site_key raises for a site without.
            return wire.no_active_key(call.request)
        document = (
            {"status": wire.OPTOUT}
            if identity is None
            else wire.success_document(identity.to_body())
        )
        return call.reply(document, now_ms)

    async def refresh(self, request: Request) -> Response:
        """Refresh with the 388-character token; never 401, API key optional."""
        core = self._core
        authenticated = authenticate(request, core, ANY_ROLE) is not None
        # An empty body is just a token that does not decode: 400 invalid_token, or "error"
        # for an unauthenticated caller (UOV test tokenRefreshNoToken).
        text = (await request.body()).decode("utf-8", errors="replace")
        response_key: bytes | None = None
        inner = text
        if len(text) == REFRESH_TOKEN_WRAPPER_LENGTH:
            unwrapped = open_wrapper(text, core.keys.lookup)
            if isinstance(unwrapped, str):
                return wire.client_error(request, unwrapped)
            inner, response_key = unwrapped.inner_token, unwrapped.refresh_response_key
        elif decoder_throws(text, core.keys.lookup):
            return unexpected_reply(request)
        try:
            result = core.issuer.refresh(inner, core.clock.now_ms())
        except NoActiveKeyError:
            if authenticated:
                return wire.no_active_key(request)
            return wire.error(request, 400, wire.GENERIC_ERROR, MSG_REFRESH_ERROR)
        if result.outcome is RefreshOutcome.REFRESHED and result.identity is not None:
            document = wire.success_document(result.identity.to_body())
        elif result.outcome is RefreshOutcome.OPTOUT:
            document = {"status": wire.OPTOUT}
        elif not authenticated:
            # Unauthenticated callers (browsers, apps) only ever learn "error".
            return wire.error(request, 400, wire.GENERIC_ERROR, MSG_REFRESH_ERROR)
        elif result.outcome is RefreshOutcome.EXPIRED:
            return wire.error(request, 400, wire.EXPIRED_TOKEN, MSG_EXPIRED_TOKEN)
        else:
            return wire.error(request, 400, wire.INVALID_TOKEN, MSG_INVALID_TOKEN)
        if response_key is None:
            return wire.plain_json(request, 200, document)
        wire.context_of(request).status = str(document["status"])
        plaintext = wire.json_bytes(document)
        wire.context_of(request).notes.replied(plaintext, None)
        sealed = seal_refresh_reply(response_key, plaintext)
        # V2PayloadHandler.writeResponseBody: raw bytes for an octet-stream request.
        if is_octet_stream(request.headers.get("content-type")):
            return Response(sealed, 200, {"content-type": wire.OCTET_STREAM})
        return Response(to_base64(sealed).encode("ascii"), 200, {"content-type": wire.TEXT_PLAIN})

    async def validate(self, call: EnvelopeCall) -> Response:
        """Say whether an advertising token belongs to a DII."""
        core = self._core
        dii = identifier_of(call.opened.payload)
        if isinstance(dii, IdentifierProblem):
            return problem_reply(call.request, dii)
        # getString reads any value as text; a missing token fails to decode: "Invalid token".
        token = get_string(call.opened.payload, "token")
        if token is None:
            return wire.client_error(call.request, "Invalid token")
        verdict = core.issuer.validate(token, dii.hash_b64, dii.identity_type, call.client.site_id)
        if verdict is Validation.INVALID_TOKEN:
            return wire.client_error(call.request, "Invalid token")
        if verdict is Validation.OTHER_SITE:
            return wire.client_error(call.request, "Unauthorised to validate token")
        return call.reply(wire.success_document(verdict is Validation.MATCH), core.clock.now_ms())

    async def logout(self, call: EnvelopeCall) -> Response:
        """Opt a DII out now (the OPTOUT role's endpoint)."""
        core = self._core
        found = token_input(call.opened.payload)
        if found is None or found.dii is None:
            # "Invalid Token presented " + input: "null", or the InputVal's Object.toString().
            shown = "null" if found is None else java_object_text(found)
            return wire.error(call.request, 400, wire.INVALID_TOKEN, f"{MSG_INVALID_TOKEN} {shown}")
        dii = found.dii
        now_ms = core.clock.now_ms()
        # The one handler that writes to the database: keep it off the event loop.
        await anyio.to_thread.run_sync(core.issuer.opt_out, dii.hash_b64, dii.identity_type, now_ms)
        return call.reply(wire.success_document({"optout": "OK"}), now_ms)
