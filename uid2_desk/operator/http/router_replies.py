"""What the operator's Vert.x router answers when no route takes a request.

vertx-web 4.5 ``RoutingContextImpl.checkHandleNoMatch`` (the operator registers no error
handler for these codes, and ``GenericFailureHandler`` only sees failed requests):

- no route for the path: 404, ``text/html; charset=utf-8``,
  ``<html><body><h1>Resource not found</h1></body></html>``;
- a route for the path but not the method: 405 with an empty body and ``Allow`` listing the
  route's methods, comma-separated.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from uid2_desk.operator.http import wire

NOT_FOUND_HTML = "<html><body><h1>Resource not found</h1></body></html>"
HTML = "text/html; charset=utf-8"


async def not_found(request: Request, exc: Exception) -> Response:
    """Vert.x's default 404."""
    wire.context_of(request).status = None
    return Response(NOT_FOUND_HTML.encode("ascii"), 404, {"content-type": HTML})


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """Vert.x's default 405: no body, ``Allow`` as the router lists it (no implicit HEAD)."""
    wire.context_of(request).status = None
    listed = exc.headers.get("Allow", "") if isinstance(exc, HTTPException) and exc.headers else ""
    methods = [m.strip() for m in listed.split(",") if m.strip() and m.strip() != "HEAD"]
    return Response(b"", 405, {"allow": ",".join(methods)})
