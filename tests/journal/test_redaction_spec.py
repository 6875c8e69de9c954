"""What an export keeps and cuts, field by field: the rules behind every redacted export.

Written against survivors of mutation testing (issue 19): each case fails if the rule it names
is loosened (a token field no longer recognised by its name, an exchange's error dropped).
"""

from __future__ import annotations

import json

import pytest

from uid2_desk.journal import EntryKind, JournalEntry
from uid2_desk.journal.masking import hash_email, hash_phone
from uid2_desk.journal.redaction import (
    Redaction,
    redact_entry,
    redact_exchange,
    redact_json_text,
    redact_plaintext,
    redact_user,
)
from uid2_desk.protocol.exchange import Exchange, Timings

SHORTEN = Redaction(shorten_tokens=True)


def test_a_token_field_is_shortened_by_its_name_whatever_its_length() -> None:
    # 30 characters: too short for the free-text token pattern, still a token by its field.
    document = {"advertising_token": "A" * 26 + "WXYZ", "note": "a note of more than 16 chars"}
    redacted = redact_json_text(json.dumps(document), SHORTEN)
    assert redacted is not None
    assert json.loads(redacted) == {"advertising_token": "AAAAAAAA…WXYZ", "note": document["note"]}


def test_an_exchanges_error_stays_in_the_export_with_its_dii_masked() -> None:
    exchange = Exchange(
        endpoint="/v2/token/generate",
        url="http://127.0.0.1:8080/v2/token/generate",
        started_ms=0,
        timings=Timings(total_ms=1.0),
        error="the operator refused jane@example.com: Invalid Identifier",
    )
    redacted = redact_exchange(exchange, Redaction(mask_dii=True))
    assert redacted.error is not None
    assert "jane@example.com" not in redacted.error
    assert redacted.error.endswith(": Invalid Identifier")
    assert redact_exchange(exchange, Redaction()).error == exchange.error


def test_a_json_scalar_is_not_a_document_to_redact() -> None:
    assert redact_json_text("42", SHORTEN) is None
    assert redact_json_text('"jane@example.com"', Redaction(mask_dii=True)) is None


def test_a_user_named_by_phone_is_hidden_when_dii_is_masked() -> None:
    shown = redact_user("+12345678901", Redaction(mask_dii=True))
    assert shown is not None
    assert "12345678901" not in shown
    assert redact_user("+12345678901", Redaction()) == "+12345678901"


def test_dii_fields_are_hashed_by_name_each_item_of_a_list_too_and_nothing_else() -> None:
    # An identity map request names many emails; a field that is not DII stays as sent,
    # and the document stays compact with its non-ASCII text as it was.
    document = {
        "email": ["jane@example.com", "joe@example.com"],
        "phone": "+12345678901",
        "status": "success",
        "site_name": "Zoë's news",
    }
    redacted = redact_json_text(json.dumps(document), Redaction(mask_dii=True))
    assert redacted == json.dumps(
        {
            "email": [hash_email("jane@example.com"), hash_email("joe@example.com")],
            "phone": hash_phone("+12345678901"),
            "status": "success",
            "site_name": "Zoë's news",
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def test_a_credential_in_a_response_header_is_masked_too() -> None:
    exchange = Exchange(
        endpoint="/v2/token/generate",
        url="http://127.0.0.1:8080/v2/token/generate",
        started_ms=0,
        timings=Timings(total_ms=1.0),
        response_headers=(("Proxy-Authorization", "Bearer UID2-C-L-999-secretkeyvalue"),),
    )
    (header,) = redact_exchange(exchange, Redaction()).response_headers
    assert "secretkeyvalue" not in header[1]


def test_a_plain_json_body_loses_its_secrets_and_its_dii_in_both_directions() -> None:
    # A misconfigured client may send unencrypted JSON; error replies are plain JSON too.
    exchange = Exchange(
        endpoint="/v2/token/generate",
        url="http://127.0.0.1:8080/v2/token/generate",
        started_ms=0,
        timings=Timings(total_ms=1.0),
        request_body=b'{"email":"jane@example.com","client_secret":"s3cr3t-value"}',
        response_body=b'{"message":"refused jane@example.com","status":"client_error"}',
    )
    redacted = redact_exchange(exchange, Redaction(mask_dii=True))
    sent = json.loads(redacted.request_body)
    assert sent == {"email": hash_email("jane@example.com"), "client_secret": "[masked]"}
    assert b"jane@example.com" not in redacted.response_body
    assert json.loads(redacted.response_body)["status"] == "client_error"


def test_each_email_of_a_list_is_hashed_as_an_email_not_as_text() -> None:
    redacted = redact_json_text('{"email": [" Jane@Example.com "]}', Redaction(mask_dii=True))
    assert redacted is not None
    assert json.loads(redacted) == {"email": [hash_email(" Jane@Example.com ")]}


def test_a_plaintext_that_is_not_json_is_kept_as_text_redacted() -> None:
    shown = redact_plaintext("signed in jane@example.com", Redaction(mask_dii=True))
    assert shown == f"signed in {hash_email('jane@example.com')}"


def test_an_entrys_user_is_hashed_with_its_dii() -> None:
    entry = JournalEntry(
        seq=1,
        at_ms=0,
        kind=EntryKind.EVENT,
        session="s",
        user="jane@example.com",
        environment="local",
        step=None,
        outcome="success",
        summary="signed in",
        exchange=None,
    )
    assert redact_entry(entry, Redaction(mask_dii=True)).user == hash_email("jane@example.com")


def test_an_email_user_exports_as_its_request_field_s_hash_whatever_space_is_around_it() -> None:
    # An outside client's DII is the user as it sent it, stray spaces and capitals included;
    # the export must show the one hash the operator (and the request's own field) gives it.
    typed = " Jane@Example.com "
    exchange = Exchange(
        endpoint="/v2/token/generate",
        url="http://127.0.0.1:8080/v2/token/generate",
        started_ms=0,
        timings=Timings(total_ms=1.0),
        request_plaintext=json.dumps({"email": typed, "optout_check": 1}),
    )
    entry = JournalEntry(
        seq=1, at_ms=0, kind=EntryKind.EXCHANGE, session="s", user=typed,
        environment="local", step=None, outcome="success", summary="generate",
        exchange=exchange,
    )  # fmt: skip
    redacted = redact_entry(entry, Redaction(mask_dii=True))
    assert redacted.exchange is not None
    sent = json.loads(redacted.exchange.request_plaintext or "")["email"]
    assert redacted.user == sent == hash_email("jane@example.com")


def test_a_label_with_an_address_in_it_is_hidden_whole() -> None:
    shown = redact_user("Jane Doe <jane@example.com>", Redaction(mask_dii=True))
    assert shown == hash_email("Jane Doe <jane@example.com>")
    assert shown is not None
    assert "Jane" not in shown


@pytest.mark.parametrize(
    "typed", ["+1 206 555 0100", "12065550100", " +12065550100", "(206) 555-0100"]
)
def test_a_phone_user_as_a_client_typed_it_exports_as_its_request_field_s_hash(typed: str) -> None:
    # The capture names a chain by the DII its generate sent, however the client wrote it; a
    # phone the free-text rule does not recognise (no "+", spaces) must not leak in clear.
    exchange = Exchange(
        endpoint="/v2/token/generate",
        url="http://127.0.0.1:8080/v2/token/generate",
        started_ms=0,
        timings=Timings(total_ms=1.0),
        request_plaintext=json.dumps({"phone": typed}),
    )
    entry = JournalEntry(
        seq=1, at_ms=0, kind=EntryKind.EXCHANGE, session="s", user=typed,
        environment="local", step=None, outcome="error", summary="generate",
        exchange=exchange,
    )  # fmt: skip
    redacted = redact_entry(entry, Redaction(mask_dii=True))
    assert redacted.exchange is not None
    sent = json.loads(redacted.exchange.request_plaintext or "")["phone"]
    assert redacted.user == sent
    assert "0100" not in (redacted.user or "")


def test_a_user_that_is_neither_an_address_nor_a_number_keeps_its_words() -> None:
    r = Redaction(mask_dii=True)
    assert redact_user("load test 7", r) == "load test 7"  # one digit: not a phone number
    assert redact_user("123 456", r) == "123 456"  # six digits: too short for a phone number
    assert redact_user("555 0100", r) == hash_phone("555 0100")  # seven: a local number
    assert redact_user("user 42 of +12065550100", r) == "user 42 of " + hash_phone("+12065550100")
