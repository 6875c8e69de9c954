"""Client-side tokens from our operator work with the official SDK and the standalone CLI.

- The official ``uid2-client`` BidstreamClient decrypts a CSTG token to the same raw UID
  that server-side generate gives for the same email, issued for the key pair's site.
- ``uid2-desk operator --cstg-domain … --cstg-app-name …`` keeps the names, writes the
  ``cstg`` section of the credentials file, and serves pages on that domain.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from uid2_client import BidstreamClient, DecryptionStatus, TokenGenerateInput, Uid2PublisherClient

from tests.operator.cstg_support import PAGE_ORIGIN, PATH, cstg_request, opened
from tests.operator.test_cli import Lines
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.protocol.clock import SystemClock
from uid2_desk.protocol.cstg import build_request
from uid2_desk.protocol.cstg_keys import encode_private_key
from uid2_desk.protocol.normalize import hash_identifier


def test_the_sdk_decrypts_a_cstg_token_to_the_server_side_raw_uid(
    live_operator: LocalOperator, operator_server: OperatorServer
) -> None:
    email = "jane.cstg@example.com"
    request = cstg_request(
        live_operator, SystemClock().now_ms(), {"email_hash": hash_identifier(email)}
    )
    response = httpx.post(
        operator_server.base_url + PATH,
        content=json.dumps(request.body),
        headers={"origin": PAGE_ORIGIN, "content-type": "text/plain"},
    )
    client_side = opened(request, response)["body"]["advertising_token"]
    publisher = live_operator.credentials.publisher
    server_side = (
        Uid2PublisherClient(operator_server.base_url, publisher.api_key, publisher.secret)
        .generate_token(TokenGenerateInput.from_email(email))
        .get_identity()
        .get_advertising_token()
    )
    dsp = live_operator.credentials.dsp
    buyer = BidstreamClient(operator_server.base_url, dsp.api_key, dsp.secret)
    assert buyer.refresh().success

    from_cstg = buyer.decrypt_token_into_raw_uid(client_side, "localhost")
    from_server = buyer.decrypt_token_into_raw_uid(server_side, None)

    assert from_cstg.status == DecryptionStatus.SUCCESS
    assert from_server.status == DecryptionStatus.SUCCESS
    assert from_cstg.uid == from_server.uid
    assert from_cstg.site_id == live_operator.cstg.settings.site_id == 999


def test_the_cli_keeps_cstg_names_writes_them_and_serves_pages_there(tmp_path: Path) -> None:
    creds_path, data_dir = tmp_path / "creds.json", tmp_path / "d"
    command = _operator_command(
        "--port", "0", "--data-dir", str(data_dir), "--credentials-out", str(creds_path),
        "--cstg-domain", "example.com", "--cstg-domain", "Example.ORG",
        "--cstg-app-name", "com.uid2.devapp",
    )  # fmt: skip
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = Lines(proc)
        lines.wait_for(r"credentials written")
        creds = json.loads(creds_path.read_text())
        cstg = creds["cstg"]
        request = build_request(
            cstg["server_public_key"],
            cstg["subscription_id"],
            {"email_hash": hash_identifier("jane@example.com")},
            SystemClock().now_ms(),
        )
        response = httpx.post(
            creds["base_url"] + PATH,
            content=json.dumps(request.body),
            headers={"origin": "https://shop.example.org", "content-type": "text/plain"},
        )
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        out = "".join(lines.seen) + lines.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    assert opened(request, response)["status"] == "success"
    assert cstg["domain_names"] == ["example.com", "example.org", "localhost"]
    assert cstg["app_names"] == ["com.uid2.devapp"]
    assert cstg["subscription_id"] in out
    with LocalOperator.open(data_dir) as reopened:
        assert reopened.cstg.settings.to_json() == cstg
        pair = reopened.cstg.keypair(cstg["subscription_id"])
        assert pair is not None
        private = encode_private_key(pair.private_key)[9:]
    assert private not in creds_path.read_text() + out


def test_the_cli_refuses_a_domain_that_can_never_match_without_a_traceback(
    tmp_path: Path,
) -> None:
    proc = subprocess.run(
        _operator_command("--port", "0", "--data-dir", str(tmp_path), "--cstg-domain", "www.x.com"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert proc.returncode == 2
    assert "give 'x.com' instead" in proc.stderr
    assert "Traceback" not in proc.stderr


def _operator_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "uid2_desk", "operator", *args]
