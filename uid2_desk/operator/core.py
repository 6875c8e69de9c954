"""What every route handler needs: the operator's parts, and the steps all endpoints share.

Order matters and follows the operator: the body limit (middleware), then authentication
(401 before anything about the body), then the envelope, then the payload.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from uid2_desk.operator.http import wire
from uid2_desk.operator.http.envelopes import OpenedRequest, Rejection, open_request_body
from uid2_desk.operator.http.unexpected import HandlerFailureError, unexpected_reply
from uid2_desk.operator.http.vertx_json import get_string
from uid2_desk.operator.issuer import TokenIssuer
from uid2_desk.operator.state.credentials import ClientRecord, ClientRegistry, Role
from uid2_desk.operator.state.cstg_sites import CstgSites
from uid2_desk.operator.state.keys import KeyRing
from uid2_desk.protocol.capture import AUTH_FACT
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import Dii, DiiKind, parse_dii

#: The request fields that name a DII, in the operator's order.
IDENTIFIER_FIELDS = (DiiKind.EMAIL, DiiKind.EMAIL_HASH, DiiKind.PHONE, DiiKind.PHONE_HASH)


@dataclass(frozen=True)
class OperatorCore:
    """The parts route handlers share (all thread-safe)."""

    clients: ClientRegistry
    keys: KeyRing
    issuer: TokenIssuer
    clock: Clock
    cstg: CstgSites


@dataclass(frozen=True)
class IdentifierProblem:
    """Why a payload does not name exactly one valid DII: the reply the operator sends."""

    http_status: int
    status: str
    message: str


def authenticate(
    request: Request, core: OperatorCore, roles: frozenset[Role]
) -> ClientRecord | None:
    """The client behind the bearer key if it holds one of ``roles`` (``None`` otherwise).

    With an empty ``roles`` any known key authenticates (refresh's optional auth).
    """
    token = wire.bearer_token(request.headers.get("authorization"))
    client = core.clients.by_api_key(token) if token else None
    notes = wire.context_of(request).notes
    if client is None:
        notes.fact(AUTH_FACT, "unknown_key" if token else "no_key")
        return None
    if roles and not client.has_any_role(roles):
        notes.fact(AUTH_FACT, "missing_role:" + "/".join(sorted(roles)))
        return None
    wire.context_of(request).client = client
    return client


@dataclass(frozen=True)
class EnvelopeCall:
    """A request from an authorised client whose envelope opened: who asked, and what.

    Attributes:
        request: the HTTP request (for the reply's bookkeeping).
        client: the caller, by its API key.
        opened: the decrypted envelope (nonce, payload, binary or base64).
    """

    request: Request
    client: ClientRecord
    opened: OpenedRequest

    def reply(self, document: dict[str, Any], now_ms: int) -> Response:
        """The 200 reply: ``document`` sealed with the caller's secret, echoing the nonce."""
        return wire.encrypted_reply(
            self.request,
            document,
            secret=self.client.secret_bytes,
            nonce=self.opened.nonce,
            now_ms=now_ms,
            binary=self.opened.binary,
        )


EnvelopeHandler = Callable[[EnvelopeCall], Awaitable[Response]]


def enveloped_route(
    core: OperatorCore, path: str, roles: frozenset[Role], handler: EnvelopeHandler
) -> Route:
    """A POST route with the prologue every enveloped endpoint shares: 401, 400, ``handler``.

    A caller without one of ``roles`` gets 401 before the body is looked at; an envelope
    that does not open gets the operator's 400 message; only then does ``handler`` run.
    """

    async def endpoint(request: Request) -> Response:
        client = authenticate(request, core, roles)
        if client is None:
            return wire.unauthorized(request)
        body = await request.body()
        opened = open_request_body(
            body, request.headers.get("content-type"), client.secret_bytes, core.clock.now_ms()
        )
        envelope = opened.envelope
        if envelope is not None:
            wire.context_of(request).notes.opened(envelope, core.clock.now_ms())
        if isinstance(opened, Rejection):
            return wire.client_error(request, opened.message)
        try:
            return await handler(EnvelopeCall(request, client, opened))
        except HandlerFailureError:
            return unexpected_reply(request)

    return Route(path, endpoint, methods=["POST"])


@dataclass(frozen=True)
class TokenInput:
    """The one identifier a payload names (UOV ``getTokenInputV2``'s ``InputVal``).

    Attributes:
        provided: the text sent, as ``getString`` read it.
        dii: the normalised DII, or ``None`` when the text is not a valid identifier.
    """

    provided: str
    dii: Dii | None


def token_input(payload: dict[str, Any] | None) -> TokenInput | None:
    """The identifier of a generate/validate/logout payload, ``None`` unless exactly one.

    Mirrors ``getTokenInputV2``: fields are read in order with ``getString`` (so 42 is the
    text "42"), and the second one present ends the search with ``None``.
    """
    found: tuple[DiiKind, str] | None = None
    for kind in IDENTIFIER_FIELDS:
        text = get_string(payload, kind.value)
        if text is None:
            continue
        if found is not None:
            return None
        found = (kind, text)
    if found is None:
        return None
    kind, text = found
    try:
        return TokenInput(text, parse_dii(kind, text))
    except InputError:
        return TokenInput(text, None)


def identifier_of(payload: dict[str, Any] | None) -> Dii | IdentifierProblem:
    """The one DII a generate/validate payload names, or the 400 of ``isTokenInputValid``."""
    found = token_input(payload)
    if found is None:
        return IdentifierProblem(400, wire.CLIENT_ERROR, wire.MSG_IDENTIFIER_COUNT)
    if found.dii is None:
        return IdentifierProblem(400, wire.CLIENT_ERROR, wire.MSG_INVALID_IDENTIFIER)
    return found.dii


def problem_reply(request: Request, problem: IdentifierProblem) -> Response:
    """The plain-JSON reply for an :class:`IdentifierProblem`."""
    return wire.error(request, problem.http_status, problem.status, problem.message)
