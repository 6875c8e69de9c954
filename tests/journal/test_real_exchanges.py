"""End to end: the real client talks to the real local operator; the journal and exports hold.

No record here is built by hand: the operator runs in-process (``httpx.ASGITransport``), the
client records each exchange, the journal stores it, and the exports are checked against what
crossed the wire, including that neither credential ever shows up anywhere.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from tests.journal.har_schema import har_problems
from tests.walkthrough.mermaid_grammar import mermaid_problems
from uid2_desk.client import Credentials, Environment, OperatorClient
from uid2_desk.journal import AsyncJournal, JournalEntry
from uid2_desk.journal.export_har import har_document, har_text
from uid2_desk.journal.export_jsonl import jsonl_lines
from uid2_desk.journal.redaction import Redaction
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.protocol.clock import ManualClock, SystemClock
from uid2_desk.protocol.normalize import DiiKind, parse_dii
from uid2_desk.report.markdown import report_text
from uid2_desk.walkthrough import layout

URL = "http://operator.local"


@pytest_asyncio.fixture
async def operator(tmp_path: Path) -> AsyncIterator[tuple[LocalOperator, ManualClock]]:
    clock = ManualClock(SystemClock().now_ms())
    op = LocalOperator.open(tmp_path / "operator", clock=clock, lifetimes=Lifetimes.local())
    try:
        yield op, clock
    finally:
        op.close()


async def _session(op: LocalOperator, clock: ManualClock, journal: AsyncJournal) -> None:
    """Jane signs in and is refreshed; the opt-out test user is refused; keys are fetched."""
    creds = op.credentials
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=op.asgi_app)) as http:
        publisher = OperatorClient(
            http,
            Environment.local(URL),
            Credentials(creds.publisher.api_key, creds.publisher.secret),
            clock=clock,
        )
        sharer = OperatorClient(
            http,
            Environment.local(URL),
            Credentials(creds.sharer.api_key, creds.sharer.secret),
            clock=clock,
        )
        jane = "jane.doe@example.com"
        await journal.append_event(
            "sign_in_requested",
            at_ms=clock.now_ms(),
            user=jane,
            step="1-b",
            session="e2e",
            environment="local",
        )
        generated = await publisher.generate(parse_dii(DiiKind.EMAIL, jane), send_raw=True)
        await journal.append_exchange(
            generated.exchange, user=jane, step="1-d", session="e2e", environment="local"
        )
        identity = generated.unwrap().identity
        assert identity is not None
        await journal.append_event(
            "identity_set",
            at_ms=clock.now_ms(),
            user=jane,
            step="1-f",
            session="e2e",
            environment="local",
        )
        clock.advance(60_000)
        refreshed = await publisher.refresh(identity)
        await journal.append_exchange(
            refreshed.exchange, user=jane, step="3-b", session="e2e", environment="local"
        )
        optout = "optout@example.com"
        refused = await publisher.generate(parse_dii(DiiKind.EMAIL, optout))
        await journal.append_exchange(
            refused.exchange, user=optout, step="1-d", session="e2e", environment="local"
        )
        keys = await sharer.key_sharing()
        await journal.append_exchange(
            keys.exchange, user=None, step=None, session="e2e", environment="local"
        )


@pytest.mark.asyncio
async def test_a_real_session_is_journaled_and_exported_without_any_credential(
    operator: tuple[LocalOperator, ManualClock], tmp_path: Path
) -> None:
    op, clock = operator
    heard: list[JournalEntry] = []
    async with await AsyncJournal.open(tmp_path / "journal.db") as journal:
        journal.add_listener(heard.append)
        await _session(op, clock, journal)
        entries = await journal.entries(limit=None, with_exchanges=True)
    assert [e.seq for e in heard] == [e.seq for e in entries]
    assert [(e.name, e.outcome) for e in entries] == [
        ("sign_in_requested", None),
        ("/v2/token/generate", "success"),
        ("identity_set", None),
        ("/v2/token/refresh", "success"),
        ("/v2/token/generate", "optout"),
        ("/v2/key/sharing", "success"),
    ]
    generate = entries[1].exchange
    assert generate is not None
    assert json.loads(generate.request_plaintext or "") == {"email": "jane.doe@example.com"}
    assert generate.nonce_ok is True

    creds = op.credentials
    forbidden = {
        "publisher api key": creds.publisher.api_key,
        "publisher secret": creds.publisher.secret,
        "sharer api key": creds.sharer.api_key,
        "sharer secret": creds.sharer.secret,
    }
    stored = (tmp_path / "journal.db").read_bytes()
    assert [k for k, v in forbidden.items() if v.encode() in stored] == []
    for redaction in (Redaction(), Redaction(mask_dii=True, shorten_tokens=True)):
        exports = {
            "har": har_text(entries, redaction=redaction),
            "jsonl": "\n".join(jsonl_lines(entries, redaction=redaction)),
            "markdown": report_text(entries, redaction=redaction),
        }
        leaks = [(f, k) for f, t in exports.items() for k, v in forbidden.items() if v in t]
        assert leaks == []
        assert har_problems(har_document(entries, redaction=redaction)) == []

    refresh = entries[3].exchange
    assert refresh is not None
    reply = json.loads(refresh.response_plaintext or "")
    har = har_document(entries)
    refresh_entry = next(e for e in har["log"]["entries"] if e["_uid2Seq"] == entries[3].seq)
    exported = json.loads(refresh_entry["_uid2ResponsePlaintext"])
    assert exported["body"]["refresh_response_key"] == "[masked]"
    assert reply["body"]["refresh_response_key"] == "[masked]"  # the journal keeps no secret
    assert refresh_entry["request"]["postData"]["text"] == refresh.request_body.decode()


@pytest.mark.asyncio
async def test_the_report_diagram_of_a_real_session_is_valid_mermaid(
    operator: tuple[LocalOperator, ManualClock], tmp_path: Path
) -> None:
    op, clock = operator
    async with await AsyncJournal.open(tmp_path / "journal.db") as journal:
        await _session(op, clock, journal)
        entries = await journal.entries(limit=None, with_exchanges=True)
    labels = [a.label for a in layout(entries).arrows]
    assert labels[:6] == [
        "1-a User visits",
        "1-b Login request",
        "1-c User authenticates",
        "1-d POST /v2/token/generate",
        "1-e 200 success",
        "1-f Identity set",
    ]
    assert "3-c 200 success" in labels
    assert "1-e 200 optout" in labels
    report = report_text(entries, redaction=Redaction(mask_dii=True))
    block = report.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert mermaid_problems(block) == []
    assert "jane.doe@example.com" not in report
