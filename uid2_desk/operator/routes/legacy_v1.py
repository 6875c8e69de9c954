"""``GET /v1/token/generate``, ``/v1/token/refresh`` and ``/v1/token/validate``: the legacy API.

Served only by an operator opened with ``legacy_v1`` (``uid2-desk operator --legacy-v1``),
as the last operator that had them answered: UIDOperatorVerticle at 3b175ce1, the commit
before PR #1871 removed them in July 2025 (they sat behind ``allow_legacy_api``, off in
production since 2022). Without the option they are 404, as on every operator today.

Query parameters in, plain JSON out: no envelope, no encryption. Success is
``ResponseUtil.Success``'s ``{"body":...,"status":"success"}``; tokens come with the raw
inner refresh token and no ``refresh_response_key`` (``toJsonV1``). v1 generate checks no
opt-outs at all (``OptoutCheckPolicy.DoNotRespect``), so ``optout@example.com`` gets tokens;
their refresh answers ``{"status":"optout"}``.
"""

from __future__ import annotations

import base64

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from uid2_desk.operator.core import (
    IDENTIFIER_FIELDS,
    IdentifierProblem,
    OperatorCore,
    authenticate,
    problem_reply,
)
from uid2_desk.operator.http import wire
from uid2_desk.operator.http.unexpected import unexpected_reply
from uid2_desk.operator.issue_results import RefreshOutcome
from uid2_desk.operator.routes.refresh_input import decoder_throws, open_wrapper
from uid2_desk.operator.state.credentials import Role
from uid2_desk.operator.state.keys import NoActiveKeyError
from uid2_desk.protocol.errors import (
    DecryptionError,
    InputError,
    TokenDecryptError,
    TokenFormatError,
)
from uid2_desk.protocol.normalize import Dii, hash_identifier, parse_dii
from uid2_desk.protocol.tokens import (
    REFRESH_TOKEN_WRAPPER_LENGTH,
    IdentityType,
    decrypt_advertising_token,
)

GENERATOR = frozenset({Role.GENERATOR})
ANY_ROLE: frozenset[Role] = frozenset()
LEGACY_PATHS = ("/v1/token/generate", "/v1/token/refresh", "/v1/token/validate")
MSG_REFRESH_MISSING = "Required Parameter Missing: refresh_token"
#: The identities v1 validate answers ``true`` for (IdentityConst.ValidateIdentityFor*).
VALIDATE_IDENTITIES = frozenset(
    {
        (hash_identifier("validate@example.com"), IdentityType.EMAIL),
        (hash_identifier("+12345678901"), IdentityType.PHONE),
    }
)


def query_identifier(request: Request) -> Dii | IdentifierProblem:
    """The one DII in the query (``getTokenInputV1``): a parameter counts if given, even empty."""
    given = [
        (kind, values[0])
        for kind in IDENTIFIER_FIELDS
        if (values := request.query_params.getlist(kind.value))
    ]
    if len(given) != 1:
        return IdentifierProblem(400, wire.CLIENT_ERROR, wire.MSG_IDENTIFIER_COUNT)
    kind, text = given[0]
    try:
        return parse_dii(kind, text)
    except InputError:
        return IdentifierProblem(400, wire.CLIENT_ERROR, wire.MSG_INVALID_IDENTIFIER)


class LegacyV1Routes:
    """Handlers of the three v1 token endpoints."""

    def __init__(self, core: OperatorCore) -> None:
        self._core = core

    def routes(self) -> list[Route]:
        """The Starlette routes (GET only, as ``router.get`` registered them)."""
        handlers = (self.generate, self.refresh, self.validate)
        return [
            Route(path, handler, methods=["GET"])
            for path, handler in zip(LEGACY_PATHS, handlers, strict=True)
        ]

    async def generate(self, request: Request) -> Response:
        """``handleTokenGenerateV1``: tokens for any valid DII, opted out or not."""
        core = self._core
        client = authenticate(request, core, GENERATOR)
        if client is None:
            return wire.unauthorized(request)
        dii = query_identifier(request)
        if isinstance(dii, IdentifierProblem):
            return problem_reply(request, dii)
        try:
            identity = core.issuer.generate(
                dii.hash_b64, dii.identity_type, client.site_id, core.clock.now_ms(), legacy_v1=True
            )
        except NoActiveKeyError:
            # Caught by the handler's catch (Exception): "Unknown error while generating token v1".
            # Not reached in tests: KeyRing.open gives every client's site a keyset, so the caller's
            # site always has one; kept because site_key raises for a site without.
            return unexpected_reply(request)
        if identity is None:  # v1 checks no opt-outs, so never: kept for the type
            return unexpected_reply(request)
        return wire.plain_json(request, 200, wire.success_document(identity.to_body()))

    async def refresh(self, request: Request) -> Response:
        """``handleTokenRefreshV1``: optional auth; a v2 wrapper from the v1 JS SDK is unwrapped."""
        core = self._core
        authenticated = authenticate(request, core, ANY_ROLE) is not None
        values = request.query_params.getlist("refresh_token")
        if not values:
            return wire.client_error(request, MSG_REFRESH_MISSING)
        given = inner = values[0]
        if len(given) == REFRESH_TOKEN_WRAPPER_LENGTH:
            unwrapped = open_wrapper(given, core.keys.lookup)
            if isinstance(unwrapped, str):
                return wire.client_error(request, unwrapped)
            inner = unwrapped.inner_token
        elif decoder_throws(given, core.keys.lookup):
            return unexpected_reply(request)  # "Unknown error while refreshing token"
        try:
            result = core.issuer.refresh(inner, core.clock.now_ms(), wrap=False)
        except NoActiveKeyError:
            # RefreshResponse.NoActiveKey had no branch of its own in v1: "Unknown State".
            result = None
        if result is not None and result.outcome is RefreshOutcome.REFRESHED and result.identity:
            return wire.plain_json(request, 200, wire.success_document(result.identity.to_body()))
        if result is not None and result.outcome is RefreshOutcome.OPTOUT:
            return wire.plain_json(request, 200, {"status": wire.OPTOUT})
        if not authenticated:
            return wire.error(request, 400, wire.GENERIC_ERROR, "Error refreshing token")
        if result is None:
            return wire.error(request, 500, wire.UNKNOWN, wire.MSG_UNKNOWN_STATE)
        if result.outcome is RefreshOutcome.EXPIRED:
            return wire.error(request, 400, wire.EXPIRED_TOKEN, "Expired Token presented")
        # v1 echoes the token it was given.
        return wire.error(request, 400, wire.INVALID_TOKEN, f"Invalid Token presented {given}")

    async def validate(self, request: Request) -> Response:
        """``handleTokenValidateV1`` (no auth): true only for the validate identity's own token."""
        dii = query_identifier(request)
        if isinstance(dii, IdentifierProblem):
            return problem_reply(request, dii)
        matches = False
        tokens = request.query_params.getlist("token")
        if (dii.hash_b64, dii.identity_type) in VALIDATE_IDENTITIES and tokens:
            matches = self._matches(tokens[0], dii)
        return wire.plain_json(request, 200, wire.success_document(matches))

    def _matches(self, token: str, dii: Dii) -> bool:
        """``advertisingTokenMatches``: the token's raw UID is the DII's (any failure: false)."""
        core = self._core
        try:
            contents = decrypt_advertising_token(token, core.keys.lookup)
        except (TokenFormatError, TokenDecryptError, DecryptionError):
            return False
        raw_uid = base64.b64encode(contents.raw_uid).decode("ascii")
        return raw_uid == core.issuer.advertising_id(dii.hash_b64, dii.identity_type)
