"""The outermost ASGI layer: body limit, CORS, ``Date``, injected faults and the request log.

A plain ASGI class (no Starlette middleware stack) because it must see the server's own
``send`` to drop a connection, and because it runs on every request. The admin surface
(``/_desk/admin/...``) passes straight through: no CORS headers, no faults, not logged.

CORS applies to every other path, routed or not: the operator installs its ``CorsHandler``
with ``router.route()`` (UIDOperatorVerticle ``createRoutesSetup``), a route that matches
everything, so a 404 and its preflight carry the CORS headers too.
"""

from __future__ import annotations

import time

import anyio

from uid2_desk.operator.admin.fault_effects import CapturedResponse, abort_connection, corrupt
from uid2_desk.operator.admin.faults import FaultBoard, FaultKind, FaultPlan
from uid2_desk.operator.capture.handover import RequestSink, hand_over
from uid2_desk.operator.capture.portable import record
from uid2_desk.operator.http import wire
from uid2_desk.operator.http.asgi_types import ASGIApp, Message, Receive, Scope, Send
from uid2_desk.operator.http.keys_ready import keys_ready
from uid2_desk.operator.http.response_writer import ResponseWriter
from uid2_desk.operator.state.keys import KeyRing
from uid2_desk.operator.state.request_log import RequestLog, ServedRequest
from uid2_desk.protocol.clock import Clock

ADMIN_PREFIX = "/_desk/admin"
#: The operator's MAX_REQUEST_BODY_SIZE.
MAX_BODY_BYTES = 1024 * 1024
#: Past this, an oversized body is no longer drained before answering 413.
_DRAIN_LIMIT = 64 * 1024 * 1024
CORS_METHODS = "GET,POST,OPTIONS"
CORS_HEADERS = (
    "X-UID2-Client-Version",
    "Access-Control-Request-Method",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Headers",
    "Content-Type",
)
#: Only /v2/token/validate also lets a browser send Authorization (OP createRoutesSetup).
CORS_AUTHORIZATION_PATHS = frozenset({"/v2/token/validate"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def cors_allowed_headers(path: str) -> str:
    """The ``Access-Control-Allow-Headers`` value for a path."""
    names = CORS_HEADERS + (("Authorization",) if path in CORS_AUTHORIZATION_PATHS else ())
    return ",".join(names)


async def _read_body(receive: Receive) -> tuple[bytes | None, bool]:
    """The whole request body, or ``None`` if the client left; and whether it was too big."""
    body = bytearray()
    total = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None, False
        chunk = message.get("body", b"")
        total += len(chunk)
        if total <= MAX_BODY_BYTES:
            body += chunk
        if total > _DRAIN_LIMIT or not message.get("more_body", False):
            return bytes(body), total > MAX_BODY_BYTES


def _replay(body: bytes, receive: Receive) -> Receive:
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            # Not reached in tests: our routes read the body once and never wait for a
            # disconnect; a route that did (a streaming reply) would get the server's here.
            return await receive()
        done = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class OperatorHttp:
    """The ASGI application the server runs: routes UID2 and admin requests."""

    def __init__(
        self,
        uid2_app: ASGIApp,
        admin_app: ASGIApp,
        *,
        clock: Clock,
        faults: FaultBoard,
        log: RequestLog,
        keys: KeyRing,
    ) -> None:
        self._uid2_app = uid2_app
        self._admin_app = admin_app
        self._clock = clock
        self._faults = faults
        self._log = log
        self._keys = keys
        #: Who receives every served request (``None``: nobody, no cost).
        self.capture: RequestSink | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            # Not reached in tests: the server runs with ws="none" and lifespan="off", so no
            # client can open a websocket or lifespan scope; Starlette would answer one.
            await self._uid2_app(scope, receive, send)
        elif scope["path"] == ADMIN_PREFIX or scope["path"].startswith(ADMIN_PREFIX + "/"):
            await self._admin_app(scope, receive, send)
        else:
            await self._serve(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        arrived_ms = self._clock.now_ms()
        if not self._keys.covers(arrived_ms):
            await keys_ready(self._keys, arrived_ms)
        path: str = scope["path"]
        ctx = wire.RequestContext()
        scope[wire.CONTEXT_SCOPE_KEY] = ctx
        origin = _header(scope, b"origin")
        extra = (
            [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
            if origin
            else []
        )
        plan = self._faults.take(path)
        capture = self.capture
        request_body = bytearray()

        def log(http_status: int) -> None:
            client = ctx.client
            if capture is not None:
                captured = record(
                    scope,
                    bytes(request_body),
                    http_status,
                    out.headers,
                    bytes(out.body),
                    arrived_ms=arrived_ms,
                    total_ms=(time.perf_counter() - started) * 1000,
                    notes=ctx.notes,
                    role=client.name if client else None,
                    site_id=client.site_id if client else None,
                    status=ctx.status,
                )
                hand_over(capture, captured, scope)
            self._log.append(
                ServedRequest(
                    id=0,
                    time_ms=arrived_ms,
                    method=str(scope["method"]),
                    path=path,
                    client=client.name if client else None,
                    key_id=client.key_id if client else None,
                    status=ctx.status,
                    http_status=http_status,
                    latency_ms=(time.perf_counter() - started) * 1000,
                    fault=plan.label,
                )
            )

        out = ResponseWriter(send, extra, self._clock, log)
        out.keep = capture is not None
        try:
            await self._handle(
                scope, receive, send, out=out, plan=plan, origin=origin, kept=request_body
            )
        finally:
            out.finish()

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        out: ResponseWriter,
        plan: FaultPlan,
        origin: str | None,
        kept: bytearray,
    ) -> None:
        if plan.latency_ms:
            await anyio.sleep(plan.latency_ms / 1000)
        body, too_large = await _read_body(receive)
        if body is None:
            return
        kept += body
        if too_large:
            await out.reply(413, b"Request Entity Too Large", wire.TEXT_PLAIN)
            return
        if plan.outcome is FaultKind.DROP:
            out.finish()
            await abort_connection(send)
            return
        if plan.outcome is FaultKind.HTTP_500:
            document = {"message": wire.MSG_UNKNOWN_STATE, "status": wire.UNKNOWN}
            scope[wire.CONTEXT_SCOPE_KEY].status = wire.UNKNOWN
            await out.reply(500, wire.json_bytes(document), wire.APPLICATION_JSON)
            return
        if plan.outcome is FaultKind.HTTP_503:
            await out.reply(503, b"Service Unavailable", wire.TEXT_PLAIN)
            return
        requested = _header(scope, b"access-control-request-method")
        if origin and scope["method"] == "OPTIONS" and requested is not None:
            await self._preflight(out, scope["path"], requested)
            return
        replay = _replay(body, receive)
        if plan.outcome in (FaultKind.MALFORMED, FaultKind.TRUNCATED):
            captured = CapturedResponse()
            await self._uid2_app(scope, replay, captured.send)
            content = bytes(captured.body)
            if plan.outcome is FaultKind.MALFORMED:
                await out.reply(captured.status, corrupt(content), captured.content_type())
                return
            await out.reply(
                captured.status,
                content[: len(content) // 2],
                captured.content_type(),
                length=len(content),
                more_body=True,
            )
            out.finish()
            await abort_connection(send)
            return
        await self._uid2_app(scope, replay, out.send)

    @staticmethod
    async def _preflight(out: ResponseWriter, path: str, requested_method: str) -> None:
        if requested_method.strip().upper() not in CORS_METHODS.split(","):
            await out.reply(403, b"CORS Rejected - Invalid method", wire.TEXT_PLAIN)
            return
        headers = [
            (b"access-control-allow-methods", CORS_METHODS.encode()),
            (b"access-control-allow-headers", cors_allowed_headers(path).encode()),
        ]
        await out.reply(204, b"", None, headers=headers)
