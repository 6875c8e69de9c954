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
from uid2_desk.operator.http import wire
from uid2_desk.operator.http.http_layer import ADMIN_PREFIX, OperatorHttp
from uid2_desk.operator.routes.client_generate import ClientGenerateRoute
from uid2_desk.operator.routes.identity_map import MapRoutes
from uid2_desk.operator.routes.keys import KeyRoutes
from uid2_desk.operator.routes.token import TokenRoutes
from uid2_desk.operator.state.request_log import RequestLog


async def _unexpected(request: Request, exc: Exception) -> Response:
    # What the operator answers for an exception nobody planned for.
    return wire.error(request, 500, wire.UNKNOWN, wire.MSG_UNKNOWN_STATE)


def build_asgi_app(
    core: OperatorCore,
    *,
    admin: OperatorAdmin,
    admin_token: str,
    faults: FaultBoard,
    log: RequestLog,
) -> OperatorHttp:
    """The whole ASGI app: UID2 endpoints and the admin surface behind the shared layer."""
    routes = [*TokenRoutes(core).routes(), *KeyRoutes(core).routes(), *MapRoutes(core).routes()]
    routes += ClientGenerateRoute(core).routes()
    uid2 = Starlette(routes=routes, exception_handlers={Exception: _unexpected})
    return OperatorHttp(
        uid2,
        AdminHttp(admin, admin_token, cstg_admin_routes(ADMIN_PREFIX, core.cstg)),
        clock=core.clock,
        faults=faults,
        log=log,
        routed_paths=frozenset(route.path for route in routes),
    )
