"""Operator throughput: ``/v2/token/generate`` requests per second over loopback.

Ours: the local operator (auth, envelope, normalise, salts, opt-out check, v4 token, refresh
token and wrapper, sealed reply, request log) on :class:`LoopbackServer`. Floor: a bare
Starlette endpoint that returns a fixed body, on the same :class:`LoopbackServer` (same
uvicorn, same loopback, same keep-alive ``httpx.Client`` in a separate process, as a team's
backend is, same pre-sealed request bodies).
Target: at least half the floor. Rounds alternate between the two and the best round of
each counts, because the machine is shared and noisy.

With capture on (what ``uid2-desk operator`` runs: every served request recorded, shipped in
batches to the capture worker process, built into an exchange and journaled there), the target
is 0.7 of the floor; the run also checks that every request it sent was journaled.
"""

from __future__ import annotations

import base64
import json
import subprocess
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

from uid2_desk.cli.capture import OperatorCapture
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.envelope import open_response, seal_request, to_base64

TARGET_RATIO = 0.5
WARMUP = 20
REPO = Path(__file__).resolve().parents[2]
CAPTURE_TARGET_RATIO = 0.7
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
    """Requests per second of a client in its own process (as a team's backend is)."""
    job = {"url": base_url + GENERATE, "headers": headers, "bodies": bodies, "warmup": WARMUP}
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.load_client"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return float(done.stdout)


def run(smoke: bool) -> list[dict[str, Any]]:
    """Measure generate requests/second of the operator and of the bare floor."""
    count, rounds = (150, 2) if smoke else (1500, 5)
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
            ours_rates, capture_rates, floor_rates = [], [], []
            capture = OperatorCapture(Path(tmp), operator.clock, watch=False)
            capture.start()
            for _ in range(rounds):
                # Sealed afresh each round: requests older than two minutes are refused.
                bodies = _bodies(creds.secret, count)
                ours_rates.append(_rate(ours.base_url, headers, bodies))
                floor_rates.append(_rate(floor.base_url, headers, bodies))
                operator.capture_requests_to(capture.sink)
                capture_rates.append(_rate(ours.base_url, headers, _bodies(creds.secret, count)))
                operator.capture_requests_to(None)
            capture.stop()
            # Every captured request, warm-ups included, reached the journal.
            sink = capture.sink.tally
            assert sink.written == rounds * (count + WARMUP), (sink.written, sink.last_error)
            assert sink.dropped == sink.failed == 0
    best_ours, best_capture, best_floor = max(ours_rates), max(capture_rates), max(floor_rates)
    return [
        _row("operator generate req/s vs bare Starlette (loopback, keep-alive)",
             best_ours, best_floor, TARGET_RATIO),
        _row("operator generate req/s with capture into the journal vs bare Starlette",
             best_capture, best_floor, CAPTURE_TARGET_RATIO),
    ]  # fmt: skip


def _row(figure: str, ours: float, reference: float, target: float) -> dict[str, Any]:
    ratio = ours / reference
    return {
        "figure": figure,
        "ours": round(ours, 1),
        "reference": round(reference, 1),
        "ratio": round(ratio, 3),
        "target": target,
        "passed": ratio >= target,
    }


if __name__ == "__main__":
    for row in run(smoke="--smoke" in sys.argv):
        print(
            f"{row['figure']}: ours {row['ours']} req/s, floor {row['reference']} req/s, "
            f"ratio {row['ratio']} (target >= {row['target']}): "
            f"{'pass' if row['passed'] else 'MISS'}"
        )
