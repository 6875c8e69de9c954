"""No export ever shows a secret; DII and tokens are hidden when asked. Proven with canaries."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable

import pytest

from tests.journal import exchanges as records
from tests.journal.har_schema import har_problems
from uid2_desk.journal import EntryKind, JournalEntry
from uid2_desk.journal.export_har import har_document, har_text
from uid2_desk.journal.export_jsonl import jsonl_lines
from uid2_desk.journal.export_markdown import report_text
from uid2_desk.journal.redaction import Redaction
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.normalize import hash_identifier, normalize_email, normalize_phone

API_KEY = "UID2-C-L-999-CanaryApiKeyMaterial0123456789abcdefABCDEF+/="
KEY_SECRET = base64.b64encode(b"CANARY-operator-key-secret-32byt").decode()
CLIENT_SECRET = "CanaryClientSecretValue0123456789abcdefghij="
EXTRA_SECRET = "CanaryExtraApiKey-0123456789"
EMAIL = "Canary.Person@Example.com"
PHONE = "+15551234567"

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
        "at_ms": records.T0 + seq,
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


# Built directly, not through the journal: the exports must hold even for records the
# journal never scrubbed.
GENERATE = dataclasses.replace(
    records.generate(email=EMAIL, authorization=f"Bearer {API_KEY}"),
    extra=(("api_key", EXTRA_SECRET), ("note", f"sent for {EMAIL}")),
)
PHONE_GENERATE = records.generate(email=PHONE, dii_field="phone", seed=9)
REFRESH = records.refresh()
SHARING = records.key_sharing(key_secret=KEY_SECRET)
IDENTITY = json.loads(GENERATE.response_plaintext or "")["body"]
ENTRIES = [
    _entry(
        1,
        name="sign_in_requested",
        step="1-b",
        summary=f"{EMAIL} signs in from {PHONE}",
        detail=(("client_secret", CLIENT_SECRET), ("phone", PHONE)),
    ),
    _exchange_entry(2, GENERATE, "1-d"),
    _exchange_entry(3, PHONE_GENERATE, "1-d"),
    _exchange_entry(4, REFRESH, "3-b"),
    _exchange_entry(5, SHARING, None),
    _entry(6, name="bid", summary=f"token {IDENTITY['advertising_token']} sent to the SSP"),
]
SECRETS = {
    "api key": "CanaryApiKeyMaterial",
    "operator key secret": KEY_SECRET,
    "client secret": CLIENT_SECRET,
    "extra api key": EXTRA_SECRET,
    "refresh_response_key": str(IDENTITY["refresh_response_key"]),
}


@pytest.mark.parametrize("redaction", ALL_REDACTIONS)
@pytest.mark.parametrize("export", sorted(EXPORTERS))
def test_secrets_never_appear_in_any_export(export: str, redaction: Redaction) -> None:
    text = EXPORTERS[export](ENTRIES, redaction)
    leaked = [name for name, canary in SECRETS.items() if canary in text]
    assert leaked == []


@pytest.mark.parametrize("export", sorted(EXPORTERS))
def test_dii_is_replaced_by_its_hash_when_asked(export: str) -> None:
    plain = EXPORTERS[export](ENTRIES, Redaction())
    masked = EXPORTERS[export](ENTRIES, Redaction(mask_dii=True))
    email_hash = hash_identifier(normalize_email(EMAIL))
    phone_hash = hash_identifier(normalize_phone(PHONE))
    # The control: without the option the canaries are there, so their absence means something.
    assert EMAIL in plain
    assert PHONE in plain
    for needle in (EMAIL, EMAIL.lower(), PHONE):
        assert needle not in masked
    assert email_hash in masked
    assert phone_hash in masked


@pytest.mark.parametrize("export", sorted(EXPORTERS))
def test_tokens_are_shortened_to_first_eight_and_last_four_when_asked(export: str) -> None:
    advertising = str(IDENTITY["advertising_token"])
    refresh_token = REFRESH.request_plaintext or ""
    plain = EXPORTERS[export](ENTRIES, Redaction())
    short = EXPORTERS[export](ENTRIES, Redaction(shorten_tokens=True))
    assert advertising in plain
    assert refresh_token in plain
    assert advertising not in short
    assert refresh_token not in short
    assert f"{advertising[:8]}…{advertising[-4:]}" in short
    assert f"{refresh_token[:8]}…{refresh_token[-4:]}" in short


@pytest.mark.parametrize("redaction", ALL_REDACTIONS)
def test_a_redacted_har_is_still_valid_har(redaction: Redaction) -> None:
    doc = har_document(ENTRIES, redaction=redaction)
    assert har_problems(doc) == []


def test_the_refresh_request_body_is_shortened_but_encrypted_bodies_are_untouched() -> None:
    doc = har_document(ENTRIES, redaction=Redaction(mask_dii=True, shorten_tokens=True))
    by_seq = {e["_uid2Seq"]: e for e in doc["log"]["entries"]}
    token = REFRESH.request_plaintext or ""
    assert by_seq[4]["request"]["postData"]["text"] == f"{token[:8]}…{token[-4:]}"
    assert by_seq[2]["request"]["postData"]["text"] == GENERATE.request_body.decode()
    assert by_seq[2]["response"]["content"]["text"] == GENERATE.response_body.decode()
    auth = {h["name"]: h["value"] for h in by_seq[2]["request"]["headers"]}["Authorization"]
    assert auth == "Bearer [masked]"
