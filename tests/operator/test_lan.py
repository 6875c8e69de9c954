"""Allow devices on my network: the UID2 endpoints on the LAN address, the admin surface not.

The operator is served on this machine's own network address (found from its host name; the
loopback alias 127.0.0.2 when it has none), so no socket goes to another machine. There the
UID2 endpoints answer as on loopback; ``/_desk/admin/...`` is a 404 even with the admin
token, while loopback keeps it. Stopping closes the LAN port; the loopback one stays.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx
import pytest

from tests.operator.support import bearer
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.operator.http.lan import lan_address, uid2_only
from uid2_desk.protocol.errors import InputError
from uid2_desk.services.lan_sharing import LanSharing


def _own_address() -> str:
    """A non-loopback address of this machine, else a loopback alias."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    addresses = [str(info[4][0]) for info in infos]
    return next((a for a in addresses if not a.startswith("127.")), "127.0.0.2")


def test_the_lan_serves_uid2_endpoints_but_never_the_admin_surface(
    live_operator: LocalOperator, operator_server: OperatorServer
) -> None:
    sharing = LanSharing(live_operator, operator_server.port)
    assert not sharing.on
    host = _own_address()
    url = sharing.start(host=host)
    try:
        assert sharing.on
        assert url.startswith(f"http://{host}:")
        assert sharing.base_url == url
        assert httpx.get(f"{url}/ops/healthcheck").status_code == 200
        admin = bearer(live_operator.admin_token)
        refused = httpx.get(f"{url}/_desk/admin/requests", headers=admin)
        assert refused.status_code == 404
        local = httpx.get(f"{operator_server.base_url}/_desk/admin/requests", headers=admin)
        assert local.status_code == 200
        assert sharing.start(host=host) == url  # already on: the same address
    finally:
        sharing.stop()
    assert not sharing.on
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/ops/healthcheck")
    assert httpx.get(f"{operator_server.base_url}/ops/healthcheck").status_code == 200
    sharing.stop()  # idempotent


@pytest.mark.asyncio
async def test_the_admin_filter_lets_every_other_path_through(
    local_operator: LocalOperator,
) -> None:
    transport = httpx.ASGITransport(app=uid2_only(local_operator.asgi_app))
    async with httpx.AsyncClient(transport=transport, base_url="http://lan.test") as client:
        admin = bearer(local_operator.admin_token)
        assert (await client.get("/_desk/admin/clock", headers=admin)).status_code == 404
        assert (await client.get("/ops/healthcheck")).status_code == 200


def test_sharing_without_a_host_uses_this_machines_own_network_address(
    live_operator: LocalOperator, operator_server: OperatorServer
) -> None:
    """The default address is the one the system would route a LAN peer through: never a
    loopback one; a machine with no route off it gets the clear "no network" refusal."""
    sharing = LanSharing(live_operator, operator_server.port)
    address = lan_address()
    if address is None:  # a machine with no network (e.g. a sandboxed CI runner)
        with pytest.raises(InputError):
            sharing.start()
        assert not sharing.on
        return
    try:
        url = sharing.start()
        assert not ipaddress.ip_address(address).is_loopback
        assert url.startswith(f"http://{address}:")
        assert httpx.get(f"{url}/ops/healthcheck").status_code == 200
    finally:
        sharing.stop()
