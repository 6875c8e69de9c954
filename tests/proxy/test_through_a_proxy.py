"""Watch through a proxy: the official SDK talks to a *remote* operator through ``uid2-desk proxy``.

Two processes on loopback, as a team would run them against the integration environment: a
``uid2-desk operator`` stands in for the remote operator (reached over HTTP on its own port),
and ``uid2-desk proxy --watch`` sits between it and the official ``uid2-client`` SDK. The
proxy holds the publisher's secret only (from ``--credentials``). Both journal what passed:
the operator what it served, the proxy what it forwarded, so the bytes can be compared.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from uid2_client import (
    BidstreamClient,
    DecryptionStatus,
    TokenGenerateInput,
    Uid2PublisherClient,
)
from uid2_client.request_response_util import (
    auth_headers,
    create_envelope,
    make_request,
    parse_response,
)

from tests.process_lines import Lines
from uid2_desk.cli.main import main
from uid2_desk.journal import Journal, JournalFilter
from uid2_desk.protocol.capture import WHY, CapturedClient, extra_value
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy.record import CLOSED, CLOSED_WHY, UPSTREAM, UPSTREAM_MS


@dataclass
class Passed:
    """What went through the proxy in one run, and what each side journaled."""

    upstream: str
    proxy_dir: Path
    through_proxy: list[Exchange]
    served: list[Exchange]
    watch: str
    creds: dict[str, dict[str, str]]
    refresh_response_keys: list[str]
    validated: dict[str, object]
    bidstream_status: object


def _start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], Lines]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "uid2_desk", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    return proc, Lines(proc)


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.communicate()


def _journaled(data_dir: Path) -> list[Exchange]:
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        (session,) = journal.sessions()
        entries = journal.entries(JournalFilter(session=session), limit=None, with_exchanges=True)
    return [e.exchange for e in entries if e.exchange is not None]


@pytest.fixture(scope="module")
def passed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Passed]:
    """Run operator and proxy, drive the SDK through the proxy (and once around it), stop."""
    root = tmp_path_factory.mktemp("proxy")
    creds_file, publisher_only = root / "creds.json", root / "publisher.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("UID2_")}
    env |= {"PYTHONUNBUFFERED": "1", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    operator, op_lines = _start(
        ["operator", "--port", "0", "--data-dir", str(root / "remote"),
         "--credentials-out", str(creds_file)], env,
    )  # fmt: skip
    proxy: subprocess.Popen[str] | None = None
    try:
        op_lines.wait_for("listening on")
        creds = json.loads(creds_file.read_text())
        upstream = str(creds["base_url"])
        pub, dsp = creds["publisher"], creds["dsp"]
        publisher_only.write_text(json.dumps(pub))
        proxy, lines = _start(
            ["proxy", "--upstream", upstream, "--port", "0", "--watch",
             "--data-dir", str(root / "desk"), "--credentials", str(publisher_only)], env,
        )  # fmt: skip
        through = lines.wait_for(r"listening on (http://\S+)").group(1)
        before = Uid2PublisherClient(upstream, pub["api_key"], pub["secret"])
        earlier = before.generate_token(TokenGenerateInput.from_email("early@example.com"))
        sdk = Uid2PublisherClient(through, pub["api_key"], pub["secret"])
        first = sdk.generate_token(TokenGenerateInput.from_email("jane@example.com"))
        second = sdk.refresh_token(first.get_identity())
        sdk.refresh_token(second.get_identity())
        token = second.get_identity().get_advertising_token()
        envelope = create_envelope(
            base64.b64decode(pub["secret"]),
            datetime.now(tz=UTC),
            json.dumps({"token": token, "email": "jane@example.com"}).encode(),
        )
        reply = make_request(through, "/v2/token/validate", auth_headers(pub["api_key"]), envelope)
        validated = json.loads(
            parse_response(base64.b64decode(pub["secret"]), reply, envelope.nonce)
        )
        leaving = sdk.generate_token(TokenGenerateInput.from_email("refresh-optout@example.com"))
        assert sdk.refresh_token(leaving.get_identity()).is_optout()
        sdk.refresh_token(earlier.get_identity())  # issued around the proxy: its key unseen
        bidstream = BidstreamClient(through, dsp["api_key"], dsp["secret"])
        bidstream.refresh()  # the DSP's secret is not the proxy's: stays sealed
        decrypted = bidstream.decrypt_token_into_raw_uid(token, None)
        lines.wait_for(r"/v2/key/bidstream")
        _stop(proxy)
        _stop(operator)
        keys = [first.get_identity().get_refresh_response_key(),
                second.get_identity().get_refresh_response_key()]  # fmt: skip
        yield Passed(
            upstream=upstream,
            proxy_dir=root / "desk",
            through_proxy=_journaled(root / "desk"),
            served=_journaled(root / "remote"),
            watch="".join(lines.seen) + lines.rest(),
            creds=creds,
            refresh_response_keys=keys,
            validated=validated,
            bidstream_status=decrypted.status,
        )
    finally:
        if proxy is not None:
            _stop(proxy)
        _stop(operator)


def test_the_sdk_works_through_the_proxy_as_it_does_directly(passed: Passed) -> None:
    assert passed.validated["status"] == "success"
    assert passed.validated["body"] is True
    assert passed.bidstream_status == DecryptionStatus.SUCCESS


def test_every_request_and_reply_passes_byte_for_byte(passed: Passed) -> None:
    around = 1  # the one generate sent straight to the operator
    served = passed.served[around:]
    assert len(passed.through_proxy) == len(served) == 8
    for forwarded, at_operator in zip(passed.through_proxy, served, strict=True):
        assert forwarded.endpoint == at_operator.endpoint
        assert forwarded.request_body == at_operator.request_body
        assert forwarded.http_status == at_operator.http_status
        assert forwarded.response_body == at_operator.response_body
        upstream_ms = float(extra_value(forwarded, UPSTREAM_MS) or "nan")
        assert 0 < upstream_ms <= forwarded.timings.total_ms
        assert extra_value(forwarded, UPSTREAM) == passed.upstream


def test_the_capture_shows_generate_refresh_validate_and_optout_decrypted(passed: Passed) -> None:
    generate, refresh, again, validate, optout_generate, optout = passed.through_proxy[:6]
    assert generate.request_plaintext is not None
    assert "email_hash" in generate.request_plaintext
    assert generate.response_plaintext is not None
    assert '"advertising_token"' in generate.response_plaintext
    assert '"refresh_response_key":"[masked]"' in generate.response_plaintext
    assert generate.request_envelope is not None
    assert generate.response_envelope is not None
    for step in (refresh, again):  # each opened with the key its predecessor's reply carried
        assert step.operator_status == "success"
        assert step.response_plaintext is not None
        assert '"refresh_token"' in step.response_plaintext
    assert validate.request_plaintext is not None
    assert '"token"' in validate.request_plaintext
    assert validate.response_plaintext == '{"body":true,"status":"success"}'
    assert optout_generate.operator_status == "success"
    assert optout.operator_status == "optout"
    client = CapturedClient.of(generate)
    assert client is not None
    assert client.role == "publisher"
    assert client.client_version.startswith("uid2-client-python")


def test_what_the_proxy_cannot_open_stays_sealed_with_its_reason(passed: Passed) -> None:
    issued_earlier, bidstream = passed.through_proxy[6:8]
    assert issued_earlier.operator_status is None
    assert issued_earlier.response_plaintext is None
    assert extra_value(issued_earlier, CLOSED) == "refresh_key_unknown"
    assert "before the proxy was in the path" in (extra_value(issued_earlier, CLOSED_WHY) or "")
    assert bidstream.endpoint == "/v2/key/bidstream"
    assert bidstream.request_plaintext is None
    assert bidstream.response_plaintext is None
    assert extra_value(bidstream, CLOSED) == "no_secret"
    reason = extra_value(bidstream, CLOSED_WHY) or ""
    assert "no client secret for API key UID2-C-L-" in reason
    assert extra_value(bidstream, WHY) is None  # the call itself succeeded


def test_watch_prints_each_forwarded_call(passed: Passed) -> None:
    lines = passed.watch.splitlines()
    assert "PROXY → CUSTOM" in passed.watch
    assert sum("POST /v2/token/generate  200 success  1-d" in line for line in lines) == 2
    assert any("POST /v2/token/refresh  200 optout" in line for line in lines)
    assert any("POST /v2/token/validate  200 success" in line for line in lines)
    sealed = [line for line in lines if line.startswith("  sealed: ")]
    assert len(sealed) == 2
    assert "before the proxy was in the path" in sealed[0]
    assert "no client secret for API key UID2-C-L-" in sealed[1]


def test_check_and_sessions_work_on_the_proxy_journal(
    passed: Passed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sessions", "--data-dir", str(passed.proxy_dir)]) == 0
    assert "uid2-desk proxy" in capsys.readouterr().out
    assert main(["check", "--data-dir", str(passed.proxy_dir)]) == 0
    out = capsys.readouterr().out
    assert "WARN early_refresh:" in out
    assert "WARN optout:" in out


def test_no_secret_reaches_the_journal_or_the_screen(passed: Passed) -> None:
    everything = passed.watch
    everything += (passed.proxy_dir / "journal.sqlite3").read_bytes().decode("latin-1")
    secrets = [*passed.refresh_response_keys]
    for role in ("publisher", "dsp", "sharer"):
        secrets += [passed.creds[role]["api_key"], passed.creds[role]["secret"]]
    for secret in secrets:
        assert secret not in everything
