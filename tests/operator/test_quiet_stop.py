"""SIGTERM with a request in flight stops the operator quietly (issue 16's reproduction).

Before, uvicorn's grace period ran out and it printed "Exception in ASGI application" with the
cancellation's traceback: alarming, and wrong, for a stop the person asked for.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.process_lines import Lines


def test_sigterm_during_a_slow_request_stops_without_a_traceback(tmp_path: Path) -> None:
    creds_file = tmp_path / "creds.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uid2_desk", "operator", "--port", "0",
         "--data-dir", str(tmp_path / "op"), "--credentials-out", str(creds_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    lines = Lines(proc)
    try:
        lines.wait_for("listening on")
        creds = json.loads(creds_file.read_text())
        base, token = creds["base_url"], creds["admin"]["token"]
        httpx.post(
            f"{base}/_desk/admin/faults",
            json={"kind": "latency", "latency_ms": 20_000},
            headers={"Authorization": f"Bearer {token}"},
        ).raise_for_status()
        slow = threading.Thread(
            target=lambda: _ignore_errors(lambda: httpx.get(f"{base}/ops/healthcheck", timeout=30))
        )
        slow.start()
        time.sleep(0.5)  # the request is now waiting inside the operator
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        assert proc.stderr is not None
        err = proc.stderr.read()
        out = "".join(lines.seen) + lines.rest()
        slow.join(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "Exception in ASGI application" not in err
    assert "UID2 local operator stopped." in out


def _ignore_errors(call: object) -> None:
    try:
        assert callable(call)
        call()
    except httpx.HTTPError:
        pass  # the connection closes as the operator stops: expected
