"""An outside client in its own process: generate requests at a steady rate for some seconds.

Reads a JSON job ``{"url", "api_key", "secret", "rate", "seconds"}`` on stdin and sends
``/v2/token/generate`` with a new email hash each time, sealed as the v2 protocol wants, over
one keep-alive connection, request ``i`` at ``start + i / rate`` (at once when behind, never
skipped). Prints ``{"sent", "ok", "seconds"}`` as JSON.
"""

from __future__ import annotations

import base64
import json
import socket
import sys
import time

import httpx

from uid2_desk.protocol.envelope import seal_request, to_base64


def main() -> None:
    job = json.load(sys.stdin)
    secret = base64.b64decode(job["secret"])
    total = int(job["rate"] * job["seconds"])
    headers = {"Authorization": f"Bearer {job['api_key']}"}
    # Without TCP_NODELAY every request would wait ~40 ms for a delayed ACK.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    ok = 0
    with httpx.Client(headers=headers, transport=transport, timeout=10.0) as client:
        started = time.monotonic()
        for i in range(total):
            delay = started + i / job["rate"] - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            dii = base64.b64encode(i.to_bytes(32, "big")).decode()
            sealed = seal_request(
                secret,
                json.dumps({"email_hash": dii}).encode(),
                timestamp_ms=time.time_ns() // 1_000_000,
            )
            reply = client.post(job["url"], content=to_base64(sealed.raw))
            ok += reply.status_code == 200
        seconds = time.monotonic() - started
    print(json.dumps({"sent": total, "ok": ok, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
