"""How the checks group a session into chains, and what they read from each reply.

Real traffic as in ``test_integration_checks``: an outside client on the in-process operator,
a fake clock, the captured exchanges journalled and read back.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.operator.support import call
from tests.publisher.test_integration_checks import START_MS, Traffic
from uid2_desk.journal import Journal, JournalEntry, JournalFilter
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.publisher.checks import Finding, Severity
from uid2_desk.publisher.checks.chains import build_chains, issued_identity, reply_body
from uid2_desk.walkthrough.captured import captured_step

pytestmark = pytest.mark.asyncio


async def test_a_refresh_of_a_token_no_chain_handed_out_does_not_hide_the_refreshes_after_it(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(150)  # identity_expires at 120 s
    await traffic.refresh("a-refresh-token-from-another-session")
    await traffic.refresh(first["body"]["refresh_token"])
    stale = [f for f in traffic.findings(tmp_path) if f.check == "stale_token"]
    assert [f.seqs for f in stale] == [(1, 3)]


async def test_a_late_refresh_answered_with_no_uid2_status_names_its_http_status(
    traffic: Traffic, tmp_path: Path
) -> None:
    # What a proxy records when a gateway, not the operator, answered the refresh.
    first = await traffic.generate("jane@example.com")
    traffic.at(1300)  # refresh_expires at 300 s: 1000 s late
    await traffic.refresh(first["body"]["refresh_token"])
    traffic.captured[-1] = dataclasses.replace(
        traffic.captured[-1],
        http_status=502,
        operator_status=None,
        response_plaintext=None,
        response_body=b"Bad Gateway",
    )
    late = [f for f in traffic.findings(tmp_path) if f.check == "refresh_expired"]
    assert late == [
        Finding(
            Severity.FAIL,
            "refresh_expired",
            "jane@example.com: refreshed 1000 s after refresh_expires (502); the identity was "
            "already lost",
            (1, 2),
        )
    ]


async def test_events_between_exchanges_do_not_end_the_session_s_chains(
    traffic: Traffic, tmp_path: Path
) -> None:
    await traffic.generate("jane@example.com")
    await traffic.generate("joe@example.com")
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        first, second = traffic.captured
        for exchange in (first, None, second):
            if exchange is None:
                journal.append_event(
                    "identity_set", at_ms=START_MS, session="s", user=None,
                    environment="local", step=None,
                )  # fmt: skip
                continue
            journal.append_exchange(
                exchange, session="s", user=None, environment="local",
                step=captured_step(exchange),
            )  # fmt: skip
        entries: list[JournalEntry] = journal.entries(
            JournalFilter(session="s"), limit=None, with_exchanges=True
        )
    assert [e.exchange is None for e in entries] == [False, True, False]
    chains, by_token = build_chains(entries)
    assert [[i.seq for i in chain.issued] for chain in chains] == [[1], [3]]
    assert len(by_token) == 2


async def test_a_chain_knows_no_identity_for_a_token_it_did_not_hand_out(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    await traffic.generate("joe@example.com")
    entries = _journalled(traffic, tmp_path)
    chains, _ = build_chains(entries)
    jane, joe = chains
    assert jane.identity_for(first["body"]["refresh_token"]) is not None
    assert joe.identity_for(first["body"]["refresh_token"]) is None


async def test_a_reply_whose_identity_lacks_a_time_or_a_text_token_hands_out_no_identity(
    traffic: Traffic,
) -> None:
    await traffic.generate("jane@example.com")
    [reply] = traffic.captured
    whole = issued_identity(1, reply)
    assert whole is not None
    document = json.loads(reply.response_plaintext or "")
    for name, value in (("refresh_from", None), ("identity_expires", "soon"), ("refresh_token", 7)):
        body = {**document["body"], name: value}
        changed = _with_reply(reply, {**document, "body": body})
        assert issued_identity(1, changed) is None, name


async def test_only_a_reply_whose_body_is_an_object_has_a_reply_body(traffic: Traffic) -> None:
    creds = traffic.operator.credentials.publisher
    buckets = {"since_timestamp": "2000-01-01T00:00:00"}
    listed = await call(traffic.http, "/v2/identity/buckets", creds, buckets, START_MS)
    assert isinstance(listed["body"], list)  # the buckets come as an array
    [reply] = traffic.captured
    assert reply_body(reply) is None
    assert reply_body(dataclasses.replace(reply, response_plaintext="[]")) is None
    assert reply_body(_with_reply(reply, {"status": "success", "body": {}})) == {}


def _with_reply(exchange: Exchange, document: dict[str, object]) -> Exchange:
    return dataclasses.replace(exchange, response_plaintext=json.dumps(document))


def _journalled(traffic: Traffic, tmp: Path) -> list[JournalEntry]:
    with Journal.open(tmp / "journal.sqlite3") as journal:
        for exchange in traffic.captured:
            journal.append_exchange(
                exchange, session="s", user=None, environment="local",
                step=captured_step(exchange),
            )  # fmt: skip
        return journal.entries(JournalFilter(session="s"), limit=None, with_exchanges=True)
