"""Watch any client: the official SDK talks to ``uid2-desk operator --watch``; the desk shows it.

One real operator process on a loopback port, the official ``uid2-client`` SDK as the team's
backend, and a few hand-made bad requests. What it served must appear decrypted (or explained)
in ``--watch``, in the journal, in every export, and ``uid2-desk check`` must find what the
traffic shows. No secret may appear anywhere.
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
from pathlib import Path

import httpx
import pytest
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.process_lines import Lines
from uid2_desk.cli.main import main
from uid2_desk.journal import Journal, JournalFilter
from uid2_desk.protocol.capture import FIX, WHY, CapturedClient, extra_value


@dataclass
class Served:
    """What one operator run served, and what it printed."""

    data_dir: Path
    creds: dict[str, object]
    watch: str
    refresh_response_keys: list[str]


def _post_plain_json(base_url: str, api_key: str) -> None:
    httpx.post(
        f"{base_url}/v2/token/generate",
        json={"email": "plain@example.com"},
        headers={"Authorization": f"Bearer {api_key}"},
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Run the operator with --watch, drive it as a team's backend would, stop it."""
    root = tmp_path_factory.mktemp("watch")
    data_dir, creds_file = root / "data", root / "creds.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uid2_desk", "operator", "--port", "0", "--watch",
         "--data-dir", str(data_dir), "--credentials-out", str(creds_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    lines = Lines(proc)
    try:
        lines.wait_for("listening on")
        creds = json.loads(creds_file.read_text())
        base_url, pub = str(creds["base_url"]), creds["publisher"]
        assert isinstance(pub, dict)
        sdk = Uid2PublisherClient(base_url, pub["api_key"], pub["secret"])
        first = sdk.generate_token(TokenGenerateInput.from_email("jane@example.com"))
        identity = first.get_identity()
        sdk.refresh_token(identity)  # refreshes the chain (early: refresh_from is 15 min away)
        sdk.refresh_token(identity)  # the same refresh token again: a lost update
        leaving = sdk.generate_token(TokenGenerateInput.from_email("refresh-optout@example.com"))
        optout = sdk.refresh_token(leaving.get_identity())
        assert optout.is_optout()
        sdk.refresh_token(leaving.get_identity())  # used again after optout
        wrong = Uid2PublisherClient(base_url, pub["api_key"], base64.b64encode(b"x" * 32).decode())
        with pytest.raises(Exception, match="400"):
            wrong.generate_token(TokenGenerateInput.from_email("jane@example.com"))
        _post_plain_json(base_url, pub["api_key"])
        httpx.get(f"{base_url}/v1/token/generate", params={"email": "jane@example.com"})
        lines.wait_for(r"GET /v1/token/generate")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        keys = [
            identity.get_refresh_response_key(),
            leaving.get_identity().get_refresh_response_key(),
        ]
        yield Served(data_dir, creds, "".join(lines.seen) + lines.rest(), keys)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def _secrets(served: Served) -> list[str]:
    found: list[str] = []
    for role in ("publisher", "dsp", "sharer"):
        block = served.creds[role]
        assert isinstance(block, dict)
        found += [block["api_key"], block["secret"]]
    admin = served.creds["admin"]
    assert isinstance(admin, dict)
    return [*found, admin["token"], *served.refresh_response_keys]


def test_watch_prints_a_line_per_request_and_why_each_failure_failed(served: Served) -> None:
    lines = served.watch.splitlines()
    requests = [line for line in lines if " /v" in line and not line.startswith("  ")]
    assert len(requests) == 9
    assert sum("POST /v2/token/generate  200 success  1-d" in line for line in lines) == 2
    assert any("POST /v2/token/refresh  200 optout  3-b" in line for line in lines)
    assert all("Your backend" in line for line in requests[:8])
    whys = [line for line in lines if line.startswith("  why: ")]
    assert any("does not decrypt with this API key's client secret" in w for w in whys)
    assert any("plain JSON" in w for w in whys)
    assert any("removed the v0 and v1 endpoints in July 2025" in w for w in whys)
    assert any("opted out" in w for w in whys)


def test_the_journal_holds_every_request_decrypted_and_attributed(served: Served) -> None:
    with Journal.open(served.data_dir / "journal.sqlite3") as journal:
        (session,) = journal.sessions()
        entries = journal.entries(JournalFilter(session=session), limit=None, with_exchanges=True)
    exchanges = [e.exchange for e in entries if e.exchange is not None]
    assert len(exchanges) == 9
    generate = exchanges[0]
    assert generate.request_plaintext is not None
    assert "email_hash" in generate.request_plaintext  # the SDK sends the hash, decrypted here
    assert generate.response_plaintext is not None
    assert '"advertising_token"' in generate.response_plaintext
    assert '"refresh_response_key":"[masked]"' in generate.response_plaintext
    client = CapturedClient.of(generate)
    assert client is not None
    assert client.role == "publisher"
    assert client.key.startswith("UID2-C-L-")
    assert client.key.endswith("…")
    assert client.client_version.startswith("uid2-client-python")
    refresh = exchanges[1]
    assert entries[1].step == "3-b"
    assert entries[1].user == entries[0].user  # the refresh is linked to the DII's chain
    assert refresh.response_plaintext is not None
    assert '"refresh_token"' in refresh.response_plaintext
    wrong = exchanges[6]
    assert extra_value(wrong, WHY) is not None
    assert "secret" in (extra_value(wrong, FIX) or "")


def test_check_finds_what_the_traffic_shows(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--data-dir", str(served.data_dir)])
    out = capsys.readouterr().out
    assert code == 1
    for expected in (
        "FAIL refresh_reuse:",
        "FAIL after_optout:",
        "FAIL wrong_secret:",
        "FAIL unencrypted_json:",
        "FAIL legacy_endpoint:",
        "WARN early_refresh:",
        "WARN optout:",
    ):
        assert expected in out, out


def test_sessions_and_export_say_what_they_hold(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sessions", "--data-dir", str(served.data_dir)]) == 0
    listed = capsys.readouterr().out
    assert "uid2-desk operator" in listed
    assert listed.rstrip().endswith(" 9")
    har, report, jsonl = tmp_path / "s.har", tmp_path / "s.md", tmp_path / "s.jsonl"
    args = ["--har", str(har), "--report", str(report), "--jsonl", str(jsonl)]
    assert main(["export", "--data-dir", str(served.data_dir), "--session", "latest", *args]) == 0
    said = capsys.readouterr().out
    assert said.count(": 9 entries of session ") == 3
    document = json.loads(har.read_text())
    assert len(document["log"]["entries"]) == 9
    assert document["log"]["entries"][0]["_uid2Extra"]["client.role"] == "publisher"
    text = report.read_text()
    assert "| Sent by | Your backend (publisher key UID2-C-L-" in text
    assert "| Why | The envelope does not decrypt" in text
    assert len(jsonl.read_text().splitlines()) == 9
    everything = served.watch + har.read_text() + text + jsonl.read_text()
    everything += (served.data_dir / "journal.sqlite3").read_bytes().decode("latin-1")
    for secret in _secrets(served):
        assert secret not in everything


def test_journal_commands_refuse_what_they_cannot_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--data-dir", str(tmp_path)]) == 2
    assert "no journal in" in capsys.readouterr().err
    assert main(["export", "--data-dir", str(tmp_path)]) == 2
    assert "say what to write" in capsys.readouterr().err
