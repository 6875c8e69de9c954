"""Benchmark: our OperatorClient's round trips against the official Python SDK's.

Both talk to the same local operator on a loopback port, interleaved call by call so drift
in machine load hits both alike. The figure is the ratio of median latencies (target: ours
at most 1.5x the SDK's). Ours records a full Exchange on every call; the SDK records nothing.

Run alone: ``python -m tests.benchmarks.bench_client [--smoke]``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from uid2_desk.client import Credentials, Environment, OperatorClient
from uid2_desk.operator import Lifetimes, LocalOperator, OperatorServer
from uid2_desk.protocol.clock import SystemClock
from uid2_desk.protocol.normalize import DiiKind, parse_dii

TARGET_RATIO = 1.5
EMAIL = "bench.user@example.com"


class _Samples:
    """Latencies per series, ignoring the warm-up rounds."""

    def __init__(self, warmup: int) -> None:
        self.warmup = warmup
        self.series: dict[str, list[float]] = {}

    def add(self, name: str, round_no: int, started: float) -> None:
        took = (time.perf_counter() - started) * 1000.0
        if round_no >= self.warmup:
            self.series.setdefault(name, []).append(took)


async def _measure(
    base_url: str, operator: LocalOperator, rounds: int, warmup: int
) -> dict[str, list[float]]:
    """Interleave our calls and the SDK's; return latencies per series."""
    pub = operator.credentials.publisher
    sdk = Uid2PublisherClient(base_url, pub.api_key, pub.secret)
    sdk_input = TokenGenerateInput.from_email(EMAIL)
    dii = parse_dii(DiiKind.EMAIL, EMAIL)
    samples = _Samples(warmup)
    async with httpx.AsyncClient() as http:
        ours = OperatorClient(
            http,
            Environment.local(base_url),
            Credentials(pub.api_key, pub.secret),
            clock=SystemClock(),
        )
        identity = None
        sdk_identity = None
        for i in range(warmup + rounds):
            started = time.perf_counter()
            generated = (await ours.generate(dii)).unwrap().identity
            samples.add("ours_generate", i, started)
            # The SDK is synchronous (urllib); the operator serves from its own thread.
            started = time.perf_counter()
            sdk_generated = sdk.generate_token(sdk_input).get_identity()
            samples.add("sdk_generate", i, started)

            identity = identity or generated
            sdk_identity = sdk_identity or sdk_generated
            if identity is None or sdk_identity is None:
                raise RuntimeError("generate returned no identity; the benchmark cannot go on")
            started = time.perf_counter()
            identity = (await ours.refresh(identity)).unwrap().identity
            samples.add("ours_refresh", i, started)
            started = time.perf_counter()
            sdk_identity = sdk.refresh_token(sdk_identity).get_identity()
            samples.add("sdk_refresh", i, started)
    return samples.series


def _row(figure: str, ours: list[float], reference: list[float]) -> dict[str, Any]:
    ours_ms = statistics.median(ours)
    ref_ms = statistics.median(reference)
    ratio = ours_ms / ref_ms
    return {
        "figure": figure,
        "ours": round(ours_ms, 3),
        "reference": round(ref_ms, 3),
        "ratio": round(ratio, 3),
        "target": f"<= {TARGET_RATIO}",
        "passed": ratio <= TARGET_RATIO,
    }


def run(smoke: bool) -> list[dict[str, Any]]:
    """Measure generate and refresh round trips, ours vs the official SDK, on loopback."""
    rounds, warmup = (20, 3) if smoke else (300, 20)
    with tempfile.TemporaryDirectory(prefix="uid2-bench-client-") as tmp:
        operator = LocalOperator.open(Path(tmp), clock=SystemClock(), lifetimes=Lifetimes.local())
        try:
            with OperatorServer(operator) as server:
                samples = asyncio.run(_measure(server.base_url, operator, rounds, warmup))
        finally:
            operator.close()
    return [
        _row(
            "client: generate round trip, median ms (vs uid2-client SDK)",
            samples["ours_generate"],
            samples["sdk_generate"],
        ),
        _row(
            "client: refresh round trip, median ms (vs uid2-client SDK)",
            samples["ours_refresh"],
            samples["sdk_refresh"],
        ),
    ]


def main(argv: list[str]) -> int:
    """Print the rows as a table; exit 1 if a target was missed (full mode only)."""
    from tests.benchmarks.__main__ import render

    smoke = "--smoke" in argv
    rows = run(smoke=smoke)
    print(render(rows))
    return 0 if smoke or all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
