"""Regression: PySide6 6.12.0 + Python 3.11 + qasync aborted the interpreter at exit.

In 6.12.0 ``Signal.disconnect()`` leaks a reference to ``True``; qasync disconnects a socket
notifier every time it stops watching a socket, so after a few dozen httpx requests the
process died at exit with ``Fatal Python error: bool_dealloc`` (exit 134). This runs a few
hundred real requests to the local operator through qasync in a fresh interpreter and checks
that it exits cleanly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REQUESTS = 200

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path

    import httpx
    import qasync
    from PySide6.QtWidgets import QApplication

    from uid2_desk.client.credentials import Credentials
    from uid2_desk.client.environments import Environment
    from uid2_desk.client.operator_client import OperatorClient
    from uid2_desk.operator import LocalOperator, OperatorServer
    from uid2_desk.protocol.clock import SystemClock
    from uid2_desk.protocol.normalize import DiiKind, parse_dii

    count = int(sys.argv[2])
    operator = LocalOperator.open(Path(sys.argv[1]))
    server = OperatorServer(operator)
    base_url = server.start()
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    async def main() -> int:
        creds = operator.credentials.publisher
        ok = 0
        async with httpx.AsyncClient() as http:
            client = OperatorClient(
                http, Environment.local(base_url), Credentials(creds.api_key, creds.secret),
                clock=SystemClock(),
            )
            for i in range(count):
                outcome = await client.generate(parse_dii(DiiKind.EMAIL, f"user{i}@example.com"))
                ok += outcome.error is None
        return ok

    with loop:
        succeeded = loop.run_until_complete(main())
    server.stop()
    operator.close()
    print(f"succeeded={succeeded}")
    sys.exit(0 if succeeded == count else 3)
    """
)


def test_hundreds_of_requests_through_qasync_then_a_clean_exit(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "operator"), str(REQUESTS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=150,
    )
    assert "Fatal Python error" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"succeeded={REQUESTS}" in result.stdout
