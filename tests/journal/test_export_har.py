"""The HAR export is valid HAR 1.2 with the wire bytes in standard fields and ours in _uid2."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from tests.journal.conftest import Walkthrough
from tests.journal.har_schema import har_problems
from tests.journal.recorded import SKEW_MS, TIMEOUT_S, Recorded
from uid2_desk.journal import Journal
from uid2_desk.journal.export_har import har_document, har_timings, write_har
from uid2_desk.protocol.exchange import Timings


@pytest.fixture
def har(journal: Journal, walkthrough: Walkthrough) -> dict[str, Any]:
    return har_document(journal.entries(limit=None, with_exchanges=True))


def _entry(har: dict[str, Any], seq: int) -> dict[str, Any]:
    return next(e for e in har["log"]["entries"] if e["_uid2Seq"] == seq)


def test_the_export_is_structurally_valid_har_1_2(har: dict[str, Any]) -> None:
    assert har_problems(har) == []
    assert har["log"]["creator"]["name"] == "UID2 Desk"


def test_the_validator_rejects_what_har_forbids(har: dict[str, Any]) -> None:
    # The validator must be able to fail, or the previous test proves nothing.
    broken = json.loads(json.dumps(har))
    entry = broken["log"]["entries"][0]
    entry["uid2Step"] = "1-d"
    entry["timings"]["send"] = -1
    entry["time"] += 1.0
    del entry["response"]["content"]["mimeType"]
    entry["pageref"] = "nope"
    problems = har_problems(broken)
    assert len(problems) == 5, problems  # custom field, send < 0, time sum, mimeType, pageref


def test_there_is_one_entry_per_exchange_in_journal_order(
    har: dict[str, Any], walkthrough: Walkthrough
) -> None:
    exchanges = [
        walkthrough.generate,
        walkthrough.refresh,
        walkthrough.refresh_expired,
        walkthrough.optout_generate,
        walkthrough.timeout,
    ]
    assert [e["_uid2Seq"] for e in har["log"]["entries"]] == [x.seq for x in exchanges]
    events = har["log"]["_uid2Events"]
    assert [e["name"] for e in events] == [
        "sign_in_requested",
        "identity_set",
        "state_changed",
        "logout",
    ]


def test_request_and_response_carry_the_bytes_of_the_wire(
    har: dict[str, Any], walkthrough: Walkthrough
) -> None:
    generate = walkthrough.generate.exchange
    assert generate is not None
    entry = _entry(har, walkthrough.generate.seq)
    assert entry["request"]["postData"]["text"] == generate.request_body.decode()
    assert entry["request"]["postData"]["mimeType"] == "application/x-www-form-urlencoded"
    assert entry["request"]["bodySize"] == len(generate.request_body)
    assert entry["response"]["content"]["text"] == generate.response_body.decode()
    assert (entry["response"]["status"], entry["response"]["statusText"]) == (200, "OK")
    assert entry["startedDateTime"] == "2024-01-01T00:00:00.001+00:00"
    refresh = walkthrough.refresh.exchange
    assert refresh is not None
    assert _entry(har, walkthrough.refresh.seq)["request"]["postData"]["text"] == (
        refresh.request_plaintext
    )


def test_decrypted_payloads_and_envelope_parts_are_in_custom_fields(
    har: dict[str, Any], walkthrough: Walkthrough
) -> None:
    generate = walkthrough.generate.exchange
    assert generate is not None
    assert generate.request_envelope is not None
    assert generate.request_envelope.nonce is not None
    entry = _entry(har, walkthrough.generate.seq)
    assert entry["_uid2Step"] == "1-d"
    assert entry["_uid2Outcome"] == "success"
    assert entry["_uid2NonceOk"] is True
    assert json.loads(entry["_uid2RequestPlaintext"]) == {"email": "jane.doe@example.com"}
    reply = json.loads(entry["_uid2ResponsePlaintext"])
    assert reply["status"] == "success"
    assert reply["body"]["refresh_response_key"] == "[masked]"  # a secret, always masked
    assert reply["body"]["advertising_token"].startswith("A4")  # an email's v4 token
    envelope = entry["_uid2Envelope"]["request"]
    assert envelope["iv"] == generate.request_envelope.iv.hex()
    assert envelope["nonce"] == generate.request_envelope.nonce.hex()
    assert envelope["version"] == 1
    # Measured against the middle of the round trip: exact within its stated uncertainty.
    assert abs(entry["_uid2ClockSkewMs"] - SKEW_MS) <= entry["_uid2ClockSkewUncertaintyMs"]


def test_an_exchange_without_an_answer_has_status_zero_and_its_error(
    har: dict[str, Any], walkthrough: Walkthrough
) -> None:
    entry = _entry(har, walkthrough.timeout.seq)
    assert entry["response"]["status"] == 0
    assert entry["response"]["bodySize"] == -1
    assert entry["_uid2Error"].startswith("Timed out")
    timeout = walkthrough.timeout.exchange
    assert timeout is not None
    assert entry["time"] == timeout.timings.total_ms >= TIMEOUT_S * 1000


def test_an_error_reply_is_shown_as_the_operator_sent_it(
    har: dict[str, Any], walkthrough: Walkthrough
) -> None:
    entry = _entry(har, walkthrough.refresh_expired.seq)
    assert entry["response"]["status"] == 400
    assert entry["response"]["statusText"] == "Bad Request"
    assert json.loads(entry["response"]["content"]["text"])["status"] == "expired_token"
    assert entry["response"]["content"]["mimeType"] == "application/json"


def test_each_session_is_a_page(har: dict[str, Any]) -> None:
    assert [p["id"] for p in har["log"]["pages"]] == ["s1", "s2"]
    assert {e["pageref"] for e in har["log"]["entries"]} == {"s1", "s2"}


@pytest.mark.parametrize(
    ("timings", "expected"),
    [
        (
            Timings(total_ms=42.0, connect_ms=1.5, send_ms=0.5, wait_ms=38.0, receive_ms=2.0),
            {"blocked": -1.0, "connect": 1.5, "send": 0.5, "wait": 38.0, "receive": 2.0},
        ),
        (
            Timings(total_ms=12.0),
            {"blocked": -1.0, "connect": -1.0, "send": 0.0, "wait": 12.0, "receive": 0.0},
        ),
        (
            Timings(total_ms=20.0, connect_ms=5.0, receive_ms=3.0),
            {"blocked": -1.0, "connect": 5.0, "send": 0.0, "wait": 12.0, "receive": 3.0},
        ),
        (  # every phase traced, yet a third of the total outside them: that part is blocked
            Timings(total_ms=60.0, connect_ms=10.0, send_ms=2.5, wait_ms=25.0, receive_ms=2.5),
            {"blocked": 20.0, "connect": 10.0, "send": 2.5, "wait": 25.0, "receive": 2.5},
        ),
        (  # a traced wait longer than the total allows is cut, never the total
            Timings(total_ms=10.0, connect_ms=2.0, send_ms=1.0, wait_ms=9.0, receive_ms=1.0),
            {"blocked": -1.0, "connect": 2.0, "send": 1.0, "wait": 6.0, "receive": 1.0},
        ),
    ],
)
def test_timings_map_onto_har_phases_that_add_up_to_the_measured_total(
    timings: Timings, expected: dict[str, float]
) -> None:
    mapped = har_timings(timings)
    assert {k: mapped[k] for k in expected} == expected
    assert (mapped["dns"], mapped["ssl"]) == (-1.0, -1.0)
    assert sum(v for v in mapped.values() if v >= 0) == pytest.approx(timings.total_ms)


def test_each_entry_takes_the_exchange_total_as_its_time(
    har: dict[str, Any], walkthrough: Walkthrough
) -> None:
    exchanges = [e for e in walkthrough.all if e.exchange is not None]
    times = {e["_uid2Seq"]: e["time"] for e in har["log"]["entries"]}
    assert times == {e.seq: e.exchange.timings.total_ms for e in exchanges if e.exchange}


def test_light_entries_are_refused_rather_than_exported_without_bytes(
    journal: Journal, walkthrough: Walkthrough
) -> None:
    with pytest.raises(ValueError, match="with_exchanges=True"):
        har_document(journal.entries())


def test_write_har_writes_the_document(
    journal: Journal, walkthrough: Walkthrough, tmp_path: Path
) -> None:
    entries = journal.entries(limit=None, with_exchanges=True)
    path = tmp_path / "out" / "session.har"
    write_har(path, entries)
    assert json.loads(path.read_text(encoding="utf-8")) == har_document(entries)
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_a_status_code_http_does_not_name_is_kept_with_an_empty_status_text(
    journal: Journal, recorded: Recorded
) -> None:
    odd = dataclasses.replace(recorded.server_error, http_status=599)
    journal.append_exchange(odd, session="s", user=None, environment="local", step=None)
    document = har_document(journal.entries(limit=None, with_exchanges=True))
    assert har_problems(document) == []
    response = document["log"]["entries"][0]["response"]
    assert (response["status"], response["statusText"]) == (599, "")
