"""No export ever shows a secret; DII and tokens are hidden when asked. Proven with canaries."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.journal.har_schema import har_problems
from tests.journal.recorded import PHONE, T0, Recorded
from uid2_desk.journal import EntryKind, JournalEntry
from uid2_desk.journal.export_har import har_document, har_text
from uid2_desk.journal.export_jsonl import jsonl_lines
from uid2_desk.journal.redaction import Redaction
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.normalize import hash_identifier, normalize_email, normalize_phone
from uid2_desk.report.markdown import report_text

EXTRA_SECRET = "CanaryExtraApiKey-0123456789"
#: Jane's email as a person typed it; the recorded requests carry its normalised form.
EMAIL = "Jane.Doe@Example.com"

ALL_REDACTIONS = [
    Redaction(),
    Redaction(mask_dii=True),
    Redaction(shorten_tokens=True),
    Redaction(mask_dii=True, shorten_tokens=True),
]
Exporter = Callable[[list[JournalEntry], Redaction], str]
EXPORTERS: dict[str, Exporter] = {
    "har": lambda entries, r: har_text(entries, redaction=r),
    "jsonl": lambda entries, r: "\n".join(jsonl_lines(entries, redaction=r)),
    "markdown": lambda entries, r: report_text(entries, redaction=r),
}


def _entry(seq: int, **fields: object) -> JournalEntry:
    base: dict[str, object] = {
        "seq": seq,
        "at_ms": T0 + seq,
        "kind": EntryKind.EVENT,
        "session": "s",
        "user": EMAIL,
        "environment": "integ",
        "step": None,
        "outcome": None,
        "summary": "",
        "exchange": None,
    }
    base.update(fields)
    return JournalEntry(**base)  # type: ignore[arg-type]


def _exchange_entry(seq: int, exchange: Exchange, step: str | None) -> JournalEntry:
    return _entry(
        seq,
        kind=EntryKind.EXCHANGE,
        step=step,
        outcome="success",
        summary=f"{exchange.endpoint} for {EMAIL}",
        exchange=exchange,
        name=exchange.endpoint,
        method=exchange.method,
        http_status=exchange.http_status,
        duration_ms=exchange.timings.total_ms,
    )


@dataclass(frozen=True)
class Fixture:
    """Entries holding real exchanges, and the secrets that must never be exported."""

    entries: list[JournalEntry]
    secrets: dict[str, str]
    generate: Exchange
    refresh: Exchange
    identity: dict[str, object]


@pytest.fixture(scope="module")
def fx(recorded: Recorded) -> Fixture:
    """Jane's generate and refresh, a phone generate and a key-sharing reply, by the operator.

    Built directly, not through the journal: the exports must hold even for records the
    journal never scrubbed. So the generate carries the real API key unmasked, plus a secret
    in ``extra``, and the key-sharing reply keeps the key secrets the operator sent (the client
    masks them; here they are put back from the real reply).
    """
    generate = dataclasses.replace(
        recorded.with_authorization(recorded.generate, f"Bearer {recorded.publisher_api_key}"),
        extra=(("api_key", EXTRA_SECRET), ("note", f"sent for {EMAIL}")),
    )
    sharing = dataclasses.replace(
        recorded.key_sharing, response_plaintext=recorded.key_sharing_plaintext
    )
    identity = json.loads(generate.response_plaintext or "")["body"]
    entries = [
        _entry(
            1,
            name="sign_in_requested",
            step="1-b",
            summary=f"{EMAIL} signs in from {PHONE}",
            detail=(("client_secret", recorded.publisher_secret), ("phone", PHONE)),
        ),
        _exchange_entry(2, generate, "1-d"),
        _exchange_entry(3, recorded.phone_generate, "1-d"),
        _exchange_entry(4, recorded.refresh, "3-b"),
        _exchange_entry(5, sharing, None),
        _entry(6, name="bid", summary=f"token {identity['advertising_token']} sent to the SSP"),
    ]
    secrets = {
        "api key": recorded.publisher_api_key.removeprefix("UID2-C-L-999-"),
        "client secret": recorded.publisher_secret,
        "extra api key": EXTRA_SECRET,
        "refresh_response_key": str(identity["refresh_response_key"]),
    }
    secrets |= {f"operator key secret {i}": s for i, s in enumerate(recorded.key_secrets)}
    return Fixture(entries, secrets, generate, recorded.refresh, identity)


def test_the_canaries_are_really_in_the_records(fx: Fixture) -> None:
    # Otherwise their absence from the exports would prove nothing.
    everything = repr(fx.entries)
    assert [name for name, canary in fx.secrets.items() if canary not in everything] == []


@pytest.mark.parametrize("redaction", ALL_REDACTIONS)
@pytest.mark.parametrize("export", sorted(EXPORTERS))
def test_secrets_never_appear_in_any_export(fx: Fixture, export: str, redaction: Redaction) -> None:
    text = EXPORTERS[export](fx.entries, redaction)
    leaked = [name for name, canary in fx.secrets.items() if canary in text]
    assert leaked == []


@pytest.mark.parametrize("export", sorted(EXPORTERS))
def test_dii_is_replaced_by_its_hash_when_asked(fx: Fixture, export: str) -> None:
    plain = EXPORTERS[export](fx.entries, Redaction())
    masked = EXPORTERS[export](fx.entries, Redaction(mask_dii=True))
    email_hash = hash_identifier(normalize_email(EMAIL))
    phone_hash = hash_identifier(normalize_phone(PHONE))
    # The control: without the option the canaries are there, so their absence means something.
    assert EMAIL in plain
    assert EMAIL.lower() in plain  # the raw email the request carried
    assert PHONE in plain
    for needle in (EMAIL, EMAIL.lower(), PHONE):
        assert needle not in masked
    assert email_hash in masked
    assert phone_hash in masked


@pytest.mark.parametrize("export", sorted(EXPORTERS))
def test_tokens_are_shortened_to_first_eight_and_last_four_when_asked(
    fx: Fixture, export: str
) -> None:
    advertising = str(fx.identity["advertising_token"])
    refresh_token = fx.refresh.request_plaintext or ""
    plain = EXPORTERS[export](fx.entries, Redaction())
    short = EXPORTERS[export](fx.entries, Redaction(shorten_tokens=True))
    assert advertising in plain
    assert refresh_token in plain
    assert advertising not in short
    assert refresh_token not in short
    assert f"{advertising[:8]}…{advertising[-4:]}" in short
    assert f"{refresh_token[:8]}…{refresh_token[-4:]}" in short


@pytest.mark.parametrize("redaction", ALL_REDACTIONS)
def test_a_redacted_har_is_still_valid_har(fx: Fixture, redaction: Redaction) -> None:
    doc = har_document(fx.entries, redaction=redaction)
    assert har_problems(doc) == []


def test_the_refresh_request_body_is_shortened_but_encrypted_bodies_are_untouched(
    fx: Fixture,
) -> None:
    doc = har_document(fx.entries, redaction=Redaction(mask_dii=True, shorten_tokens=True))
    by_seq = {e["_uid2Seq"]: e for e in doc["log"]["entries"]}
    token = fx.refresh.request_plaintext or ""
    assert by_seq[4]["request"]["postData"]["text"] == f"{token[:8]}…{token[-4:]}"
    assert by_seq[2]["request"]["postData"]["text"] == fx.generate.request_body.decode()
    assert by_seq[2]["response"]["content"]["text"] == fx.generate.response_body.decode()
    auth = {h["name"]: h["value"] for h in by_seq[2]["request"]["headers"]}["authorization"]
    assert auth == "Bearer [masked]"
