"""Serving a request leaves no reference cycle behind, with the capture on or off.

A request's objects must go when the request does. Left in a cycle, they wait for the cycle
collector, whose passes stop every thread of the process (the desk window's included), and
an outside client at hundreds of requests a second made those passes frequent and long
(``bench_gui_load``). Here the real server on a loopback port answers generates, refreshes,
refusals and garbage, with the collector's ``DEBUG_SAVEALL`` keeping whatever only it would
have freed; none of it may come from the operator, the capture or the server.
"""

from __future__ import annotations

import base64
import gc
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.operator.support import bearer, open_reply, seal
from uid2_desk.operator import LocalOperator
from uid2_desk.operator.http.server import OperatorServer
from uid2_desk.protocol.exchange import Exchange

#: Where the objects of serving a request are made (the test's own client is left out).
SERVING_MODULES = ("uid2_desk.", "uvicorn.", "starlette.", "h11.", "anyio.")


@contextmanager
def cycle_garbage() -> Iterator[list[str]]:
    """The types of what only the cycle collector frees, made inside the block."""
    found: list[str] = []
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield found
        gc.collect()
        found.extend(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def _serve_a_mix(server: OperatorServer, operator: LocalOperator) -> int:
    creds = operator.credentials.publisher
    url = server.base_url
    answered = 0
    with httpx.Client(base_url=url) as client:
        for i in range(5):
            now = int(time.time() * 1000)
            sealed = seal(creds.secret, {"email": f"cycle{i}@example.com"}, now)
            reply = client.post("/v2/token/generate", content=sealed.body, headers=bearer(creds))
            body = json.loads(open_reply(creds.secret, reply, sealed.nonce))["body"]
            refreshed = client.post("/v2/token/refresh", content=body["refresh_token"])
            assert refreshed.status_code == 200
            refused = client.post("/v2/token/generate", content=sealed.body, headers=bearer("x"))
            assert refused.status_code == 401
            garbage = client.post(
                "/v2/token/generate", content=b"not base64!", headers=bearer(creds)
            )
            assert garbage.status_code == 400
            unknown = client.post("/v2/no/such/path", content=base64.b64encode(b"x"))
            assert unknown.status_code == 404
            answered += 5
    return answered


@pytest.mark.parametrize("capture", [False, True], ids=["capture off", "capture on"])
def test_serving_requests_leaves_nothing_for_the_cycle_collector(
    live_operator: LocalOperator, capture: bool
) -> None:
    captured: list[Exchange] = []
    if capture:
        live_operator.capture_to(captured.append)
    with OperatorServer(live_operator) as server:
        _serve_a_mix(server, live_operator)  # warm: first-use caches are not per request
        with cycle_garbage() as found:
            answered = _serve_a_mix(server, live_operator)
            time.sleep(0.2)  # the request log's writer takes its batch
    assert answered == 25
    assert len(captured) == (50 if capture else 0)
    assert [name for name in found if name.startswith(SERVING_MODULES)] == []
