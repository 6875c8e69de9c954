"""Operator throughput: ``/v2/token/generate`` requests per second over loopback.

Ours: the local operator (auth, envelope, normalise, salts, opt-out check, v4 token, refresh
token and wrapper, sealed reply, request log) on :class:`LoopbackServer`. Floor: a bare
Starlette endpoint that returns a fixed body, on the same :class:`LoopbackServer` (same
uvicorn, same loopback, same keep-alive ``httpx.Client``, same pre-sealed request bodies).
Target: at least half the floor. Rounds alternate between the two and the best round of
each counts, because the machine is shared and noisy.
"""

from __future__ import annotations

import base64
import json
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.envelope import open_response, seal_request, to_base64

TARGET_RATIO = 0.5
GENERATE = "/v2/token/generate"
_FIXED_REPLY = b"A" * 700  # about the size of a sealed generate reply


async def _bare(request: Request) -> Response:
    await request.body()
    return Response(_FIXED_REPLY, 200, {"content-type": "text/plain"})


def _bodies(secret_b64: str, count: int) -> list[str]:
    secret = base64.b64decode(secret_b64)
    now_ms = time.time_ns() // 1_000_000
    return [
        to_base64(
            seal_request(
                secret,
                json.dumps(
                    {"email_hash": base64.b64encode(i.to_bytes(32, "big")).decode()}
                ).encode(),
                timestamp_ms=now_ms,
            ).raw
        )
        for i in range(count)
    ]


def _rate(base_url: str, headers: dict[str, str], bodies: list[str]) -> float:
    # httpcore's sync client writes headers and body separately and leaves Nagle on: without
    # TCP_NODELAY every request would wait ~40 ms for a delayed ACK, on both sides alike.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    with httpx.Client(base_url=base_url, headers=headers, transport=transport) as client:
        for body in bodies[:20]:  # warm-up: connection, code paths
            client.post(GENERATE, content=body).raise_for_status()
        started = time.perf_counter()
        for body in bodies:
            client.post(GENERATE, content=body).raise_for_status()
        return len(bodies) / (time.perf_counter() - started)


def run(smoke: bool) -> list[dict[str, Any]]:
    """Measure generate requests/second of the operator and of the bare floor."""
    count, rounds = (150, 2) if smoke else (1500, 3)
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalOperator.open(Path(tmp), lifetimes=Lifetimes.local()) as operator,
    ):
        creds = operator.credentials.publisher
        headers = {"Authorization": f"Bearer {creds.api_key}"}
        floor_app = Starlette(routes=[Route(GENERATE, _bare, methods=["POST"])])
        with LoopbackServer(operator.asgi_app) as ours, LoopbackServer(floor_app) as floor:
            # One real round trip proves the figure is for working replies.
            sealed = seal_request(
                base64.b64decode(creds.secret),
                b'{"email":"bench@example.com"}',
                timestamp_ms=time.time_ns() // 1_000_000,
            )
            reply = httpx.post(
                ours.base_url + GENERATE, content=to_base64(sealed.raw), headers=headers
            )
            document = open_response(
                base64.b64decode(creds.secret),
                base64.b64decode(reply.content),
                expected_nonce=sealed.nonce,
            )
            assert json.loads(document.payload)["status"] == "success"
            ours_rates, floor_rates = [], []
            for _ in range(rounds):
                # Sealed afresh each round: requests older than two minutes are refused.
                bodies = _bodies(creds.secret, count)
                ours_rates.append(_rate(ours.base_url, headers, bodies))
                floor_rates.append(_rate(floor.base_url, headers, bodies))
    best_ours, best_floor = max(ours_rates), max(floor_rates)
    ratio = best_ours / best_floor
    return [
        {
            "figure": "operator generate req/s vs bare Starlette (loopback, keep-alive)",
            "ours": round(best_ours, 1),
            "reference": round(best_floor, 1),
            "ratio": round(ratio, 3),
            "target": TARGET_RATIO,
            "passed": ratio >= TARGET_RATIO,
        }
    ]


if __name__ == "__main__":
    for row in run(smoke="--smoke" in sys.argv):
        print(
            f"{row['figure']}: ours {row['ours']} req/s, floor {row['reference']} req/s, "
            f"ratio {row['ratio']} (target >= {row['target']}): "
            f"{'pass' if row['passed'] else 'MISS'}"
        )
