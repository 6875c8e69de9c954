"""Assembles the operator's ASGI application from its routes and layers."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from uid2_desk.operator.admin.cstg_http import cstg_admin_routes
from uid2_desk.operator.admin.faults import FaultBoard
from uid2_desk.operator.admin.http import AdminHttp
from uid2_desk.operator.admin.service import OperatorAdmin
from uid2_desk.operator.core import OperatorCore
from uid2_desk.operator.http.http_layer import ADMIN_PREFIX, OperatorHttp
from uid2_desk.operator.http.router_replies import method_not_allowed, not_found
from uid2_desk.operator.http.unexpected import unexpected_reply
from uid2_desk.operator.routes.buckets import BucketRoutes
from uid2_desk.operator.routes.client_generate import ClientGenerateRoute
from uid2_desk.operator.routes.identity_map import MapRoutes
from uid2_desk.operator.routes.keys import KeyRoutes
from uid2_desk.operator.routes.legacy_v1 import LegacyV1Routes
from uid2_desk.operator.routes.token import TokenRoutes
from uid2_desk.operator.state.request_log import RequestLog


async def _unexpected(request: Request, exc: Exception) -> Response:
    # A bug of ours: answer as the endpoint's own catch block (or Vert.x) would.
    # Not reached in tests: every route turns its own failures into replies, so only a
    # bug no test knows of lands here; kept so that bug still gets the operator's answer.
    return unexpected_reply(request)


def build_asgi_app(
    core: OperatorCore,
    *,
    admin: OperatorAdmin,
    admin_token: str,
    faults: FaultBoard,
    log: RequestLog,
    legacy_v1: bool = False,
) -> OperatorHttp:
    """The whole ASGI app: UID2 endpoints and the admin surface behind the shared layer.

    ``legacy_v1`` adds the GET ``/v1/token/...`` endpoints real operators no longer serve.
    """
    routes = [
        *TokenRoutes(core).routes(),
        *KeyRoutes(core).routes(),
        *MapRoutes(core).routes(),
        *BucketRoutes(core).routes(),
        *ClientGenerateRoute(core).routes(),
    ]
    if legacy_v1:
        routes += LegacyV1Routes(core).routes()
    handlers = {404: not_found, 405: method_not_allowed, Exception: _unexpected}
    uid2 = Starlette(routes=routes, exception_handlers=handlers)
    return OperatorHttp(
        uid2,
        AdminHttp(admin, admin_token, cstg_admin_routes(ADMIN_PREFIX, core.cstg)),
        clock=core.clock,
        faults=faults,
        log=log,
        keys=core.keys,
    )
