"""The admin surface over HTTP, under ``/_desk/admin/``: loopback clients with the run's token only.

Checked in this order: the client must be on loopback (403), must send
``Authorization: Bearer <admin token>`` (401 without, 403 with a wrong one). There are no
CORS headers at all, so no web page can read or drive it.

==========  ==============================  ===============================================
method      path                            does
==========  ==============================  ===============================================
GET         /_desk/admin/requests           served requests (``after_id``, ``limit``)
POST        /_desk/admin/optout             ``{"kind": "email", "value": "..."}``
POST        /_desk/admin/keys/rotate        new key in every keyset
GET/POST    /_desk/admin/faults             list / add ``{"kind", "endpoint", "times",
                                            "latency_ms"}``
DELETE      /_desk/admin/faults[/{id}]      clear all / one
GET/PUT     /_desk/admin/clock              ``{"offset_ms": N}``
GET/PUT     /_desk/admin/cstg               CSTG key pair: ``{"disabled", "domain_names",
                                            "app_names"}`` (:mod:`.cstg_http`)
==========  ==============================  ===============================================
"""

from __future__ import annotations

import dataclasses
import ipaddress
import secrets
from collections.abc import Sequence
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from uid2_desk.operator.admin.faults import Fault, FaultKind
from uid2_desk.operator.admin.service import OperatorAdmin
from uid2_desk.operator.http.asgi_types import Receive, Scope, Send
from uid2_desk.operator.http.http_layer import ADMIN_PREFIX
from uid2_desk.operator.http.wire import bearer_token
from uid2_desk.protocol.errors import InputError

MAX_READ_LIMIT = 10_000


def is_loopback_client(host: str | None) -> bool:
    """Whether a peer address is this machine (127.0.0.0/8, ::1, or v4-mapped loopback)."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status)


async def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        document = await request.json()
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _int_param(request: Request, name: str, default: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        return None


class AdminHttp:
    """The ASGI app of the admin surface for one operator."""

    def __init__(
        self, admin: OperatorAdmin, token: str, extra_routes: Sequence[Route] = ()
    ) -> None:
        self._admin = admin
        self._token = token
        p = ADMIN_PREFIX
        self._app = Starlette(
            routes=[
                Route(f"{p}/requests", self.requests, methods=["GET"]),
                Route(f"{p}/optout", self.optout, methods=["POST"]),
                Route(f"{p}/keys/rotate", self.rotate, methods=["POST"]),
                Route(f"{p}/faults", self.faults, methods=["GET", "POST", "DELETE"]),
                Route(f"{p}/faults/{{fault_id:int}}", self.remove_fault, methods=["DELETE"]),
                Route(f"{p}/clock", self.clock, methods=["GET", "PUT", "POST"]),
                *extra_routes,
            ]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._app(scope, receive, send)

    def _refusal(self, scope: Scope) -> Response | None:
        client = scope.get("client")
        if not is_loopback_client(client[0] if client else None):
            return _problem(403, "the admin surface answers loopback clients only")
        request = Request(scope)
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            return _problem(401, "send Authorization: Bearer <admin token of this run>")
        if not secrets.compare_digest(token.encode(), self._token.encode()):
            return _problem(403, "wrong admin token")
        return None

    async def requests(self, request: Request) -> Response:
        """The served-request log."""
        after_id = _int_param(request, "after_id", 0)
        limit = _int_param(request, "limit", 1000)
        if after_id is None or limit is None or not 0 < limit <= MAX_READ_LIMIT:
            return _problem(
                400, f"after_id and limit must be integers, 0 < limit <= {MAX_READ_LIMIT}"
            )
        rows = await anyio.to_thread.run_sync(self._admin.served_requests, after_id, limit)
        return JSONResponse([dataclasses.asdict(r) for r in rows])

    async def optout(self, request: Request) -> Response:
        """Opt a DII out now."""
        document = await _json_object(request)
        if document is None or not isinstance(document.get("kind"), str):
            return _problem(400, 'send {"kind": "email|phone|email_hash|phone_hash", "value": ...}')
        try:
            record = await anyio.to_thread.run_sync(
                self._admin.opt_out, str(document["kind"]), str(document.get("value", ""))
            )
        except InputError as exc:
            return _problem(400, str(exc))
        return JSONResponse(
            {
                "advertising_id": record.advertising_id,
                "identity_type": record.identity_type.name.lower(),
                "optout_ms": record.optout_ms,
            }
        )

    async def rotate(self, request: Request) -> Response:
        """Rotate every keyset."""
        new_ids = await anyio.to_thread.run_sync(self._admin.rotate_keys)
        return JSONResponse({"new_key_ids": new_ids})

    async def faults(self, request: Request) -> Response:
        """List, add or clear faults."""
        if request.method == "DELETE":
            self._admin.clear_faults()
        elif request.method == "POST":
            fault = _fault_from(await _json_object(request))
            if isinstance(fault, str):
                return _problem(400, fault)
            return JSONResponse({"id": self._admin.set_fault(fault)})
        return JSONResponse(
            [
                {
                    "id": a.id,
                    "kind": a.fault.kind.value,
                    "endpoint": a.fault.endpoint,
                    "remaining": a.remaining,
                    "latency_ms": a.fault.latency_ms,
                }
                for a in self._admin.faults()
            ]
        )

    async def remove_fault(self, request: Request) -> Response:
        """Clear one fault."""
        removed = self._admin.remove_fault(int(request.path_params["fault_id"]))
        return JSONResponse({"removed": removed}, 200 if removed else 404)

    async def clock(self, request: Request) -> Response:
        """Read or set the operator's clock offset."""
        if request.method != "GET":
            document = await _json_object(request)
            offset = document.get("offset_ms") if document else None
            if not isinstance(offset, int) or isinstance(offset, bool):
                return _problem(400, 'send {"offset_ms": <integer milliseconds>}')
            try:
                self._admin.set_clock_offset(offset)
            except InputError as refused:
                return _problem(400, str(refused))
        return JSONResponse(
            {"offset_ms": self._admin.clock_offset_ms, "now_ms": self._admin.now_ms()}
        )


def _fault_from(document: dict[str, Any] | None) -> Fault | str:
    """The fault a request describes, or what is wrong with the request."""
    if document is None:
        return 'send {"kind": "latency|http_500|http_503|malformed|truncated|drop", ...}'
    times = document.get("times")
    latency = document.get("latency_ms", 0)
    endpoint = document.get("endpoint")
    if times is not None and not isinstance(times, int):
        return "times must be an integer or null"
    if not isinstance(latency, int):
        return "latency_ms must be an integer"
    if endpoint is not None and not isinstance(endpoint, str):
        return "endpoint must be a path or null"
    try:
        return Fault(FaultKind(str(document.get("kind"))), endpoint, times, latency)
    except ValueError as exc:  # an unknown kind, or an InputError from Fault
        return str(exc)
