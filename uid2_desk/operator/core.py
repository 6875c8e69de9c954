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
from uid2_desk.operator.issuer import TokenIssuer
from uid2_desk.operator.state.credentials import ClientRecord, ClientRegistry, Role
from uid2_desk.operator.state.cstg_sites import CstgSites
from uid2_desk.operator.state.keys import KeyRing
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
    if client is None or (roles and not client.has_any_role(roles)):
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

    @property
    def payload(self) -> dict[str, Any]:
        """The JSON object sent (empty when the envelope carried no payload)."""
        return self.opened.payload or {}

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
        if isinstance(opened, Rejection):
            return wire.client_error(request, opened.message)
        return await handler(EnvelopeCall(request, client, opened))

    return Route(path, endpoint, methods=["POST"])


def identifier_of(payload: dict[str, object] | None) -> Dii | IdentifierProblem:
    """The one DII a generate/validate/logout payload names, or the operator's objection.

    400 when there is not exactly one identifier or it is invalid; 500 ``unknown`` when it
    is not a string (the operator fails with an unexpected exception there).
    """
    payload = payload or {}
    present = [kind for kind in IDENTIFIER_FIELDS if payload.get(kind.value) is not None]
    if len(present) != 1:
        return IdentifierProblem(400, wire.CLIENT_ERROR, wire.MSG_IDENTIFIER_COUNT)
    kind = present[0]
    value = payload[kind.value]
    if not isinstance(value, str):
        return IdentifierProblem(500, wire.UNKNOWN, wire.MSG_UNKNOWN_STATE)
    try:
        return parse_dii(kind, value)
    except InputError:
        return IdentifierProblem(400, wire.CLIENT_ERROR, wire.MSG_INVALID_IDENTIFIER)


def problem_reply(request: Request, problem: IdentifierProblem) -> Response:
    """The plain-JSON reply for an :class:`IdentifierProblem`."""
    return wire.error(request, problem.http_status, problem.status, problem.message)
