"""A load client in its own process: POSTs the given bodies over one keep-alive connection.

The team's backend is another process, so the benchmark's client is too: in the same process
it would share the server's interpreter lock and measure the two together. Reads a JSON job
``{"url", "headers", "bodies", "warmup"}`` on stdin; prints the requests per second.
"""

from __future__ import annotations

import json
import socket
import sys
import time

import httpx


def main() -> None:
    job = json.load(sys.stdin)
    # httpcore's sync client writes headers and body separately and leaves Nagle on: without
    # TCP_NODELAY every request would wait ~40 ms for a delayed ACK.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    with httpx.Client(headers=job["headers"], transport=transport) as client:
        bodies = job["bodies"]
        for body in bodies[: job["warmup"]]:
            client.post(job["url"], content=body).raise_for_status()
        started = time.perf_counter()
        for body in bodies:
            client.post(job["url"], content=body).raise_for_status()
        print(len(bodies) / (time.perf_counter() - started))


if __name__ == "__main__":
    main()
