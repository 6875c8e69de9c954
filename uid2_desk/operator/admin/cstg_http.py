"""``/_desk/admin/cstg``: read or change the CSTG key pair's state and the site's names.

``GET`` answers the public settings (subscription id, server public key, domain and app
names, whether disabled; never the private key). ``PUT`` takes any of ``{"disabled": bool,
"domain_names": [...], "app_names": [...]}``: a disabled key pair makes the operator answer
401 ``unauthorized`` to client-side generation, as the real one does. Behind the admin
surface's loopback and token checks like every other admin route.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from uid2_desk.operator.state.cstg_sites import CstgSites
from uid2_desk.protocol.errors import InputError

_USAGE = 'send {"disabled": true|false, "domain_names": [...], "app_names": [...]} (any of them)'


def _names(document: dict[str, Any], field: str) -> list[str] | None:
    value = document.get(field)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{field} must be a list of strings")
    return value


def _apply(cstg: CstgSites, document: dict[str, Any]) -> None:
    disabled = document.get("disabled")
    if disabled is not None and not isinstance(disabled, bool):
        raise InputError("disabled must be true or false")
    domains, apps = _names(document, "domain_names"), _names(document, "app_names")
    if domains is not None or apps is not None:
        current = cstg.settings
        cstg.set_names(
            current.domain_names if domains is None else domains,
            current.app_names if apps is None else apps,
        )
    if disabled is not None:
        cstg.set_disabled(disabled)


def cstg_admin_routes(prefix: str, cstg: CstgSites) -> list[Route]:
    """The admin routes for one operator's CSTG state."""

    async def endpoint(request: Request) -> Response:
        if request.method == "PUT":
            try:
                document = await request.json()
            except ValueError:
                document = None
            if not isinstance(document, dict):
                return JSONResponse({"error": _USAGE}, 400)
            try:
                await anyio.to_thread.run_sync(_apply, cstg, document)
            except InputError as exc:
                return JSONResponse({"error": str(exc)}, 400)
        settings = cstg.settings
        return JSONResponse({**settings.to_json(), "disabled": settings.disabled})

    return [Route(f"{prefix}/cstg", endpoint, methods=["GET", "PUT"])]
