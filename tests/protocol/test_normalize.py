"""Normalisation and hashing behave exactly as the operator's InputUtil (uid2-protocol.md §5)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from uid2_client.input_util import is_phone_number_normalized, normalize_email_string

from uid2_desk.protocol.errors import (
    InputError,
    InvalidEmailError,
    InvalidHashError,
    InvalidPhoneError,
)
from uid2_desk.protocol.normalize import (
    Dii,
    DiiKind,
    hash_identifier,
    normalize_email,
    normalize_hash,
    normalize_phone,
    parse_dii,
)
from uid2_desk.protocol.tokens import IdentityType

#: The operator's phone rule, as every refused phone's message begins.
_PHONE_RULE_TEXT = "phone numbers must be E.164: + then 10–15 digits, e.g. +12345678901"

_ROWS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "data" / "vectors.json").read_text(encoding="utf-8")
)["normalization_and_hashing"]


def _row_id(row: dict[str, Any]) -> str:
    return f"{row['type']}:{row['input']}"


def test_the_vectors_hold_all_33_rows() -> None:
    assert len(_ROWS) == 33


@pytest.mark.parametrize("row", [r for r in _ROWS if r["type"] == "email"], ids=_row_id)
def test_email_rows_normalise_and_hash_like_the_operator(row: dict[str, Any]) -> None:
    if row["normalized"] is None:
        with pytest.raises(InvalidEmailError):
            normalize_email(row["input"])
        with pytest.raises(InvalidEmailError):
            parse_dii(DiiKind.EMAIL, row["input"])
        return
    assert normalize_email(row["input"]) == row["normalized"]
    assert hash_identifier(row["normalized"]) == row["base64_sha256"]
    dii = parse_dii(DiiKind.EMAIL, row["input"])
    assert dii == Dii(
        DiiKind.EMAIL, row["input"], row["normalized"], row["base64_sha256"], IdentityType.EMAIL
    )
    assert base64.b64decode(dii.hash_b64).hex() == row["sha256_hex"]


@pytest.mark.parametrize("row", [r for r in _ROWS if r["type"] == "phone"], ids=_row_id)
def test_phone_rows_are_accepted_only_when_already_e164(row: dict[str, Any]) -> None:
    if not row["is_normalized_e164"]:
        with pytest.raises(InvalidPhoneError, match=r"^phone numbers must be E\.164: \+ then"):
            normalize_phone(row["input"])
        return
    assert normalize_phone(row["input"]) == row["input"]
    dii = parse_dii(DiiKind.PHONE, row["input"])
    assert dii.hash_b64 == row["base64_sha256"]
    assert dii.identity_type is IdentityType.PHONE
    assert dii.request_field() == ("phone_hash", row["base64_sha256"])


@pytest.mark.parametrize("row", [r for r in _ROWS if r["type"] == "email_hash_hex_form"])
def test_hex_hash_is_converted_to_base64_as_the_operator_does(row: dict[str, Any]) -> None:
    assert normalize_hash(row["input"]) == row["operator_converts_to"]
    assert normalize_hash(row["input"].upper()) == row["operator_converts_to"]
    dii = parse_dii(DiiKind.EMAIL_HASH, row["input"])
    assert dii.normalized is None
    assert dii.request_field() == ("email_hash", row["operator_converts_to"])
    assert dii.request_field(send_raw=True) == ("email_hash", row["operator_converts_to"])


def test_only_gmail_com_drops_dots_and_plus_tags() -> None:
    assert normalize_email("J.a.n.e+x+y@gmail.com") == "jane@gmail.com"
    assert normalize_email("J.a.n.e+x@googlemail.com") == "j.a.n.e+x@googlemail.com"
    assert normalize_email("J.a.n.e+x@gmail.com.au") == "j.a.n.e+x@gmail.com.au"


def test_only_ascii_capitals_are_lowercased_and_only_leading_spaces_skipped() -> None:
    assert normalize_email("ÄBC@Example.com") == "Äbc@example.com"
    assert normalize_email("   a@b.c   ") == "a@b.c"
    assert normalize_email("\ta@b.c") == "\ta@b.c"
    assert normalize_email("a@b .c") == "a@b .c"


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("no-at-sign", "no '@'"),
        ("a@b@c.com", "more than one '@'"),
        ("@example.com", "nothing comes before"),
        ("user@", "nothing follows"),
        ("user@   ", "nothing follows"),
        ("+tag@gmail.com", "gmail.com"),
        ("", "no '@'"),
    ],
)
def test_invalid_email_message_says_what_is_wrong(raw: str, hint: str) -> None:
    with pytest.raises(InvalidEmailError, match=r"jane\.doe@example\.com") as caught:
        normalize_email(raw)
    assert hint in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("", "nothing was entered"),
        ("+1 234 567 8901", "remove spaces"),
        ("+1-234-567-8901", "remove spaces"),
        ("12345678901", "start with +"),
        ("+1234567890a", "only the digits"),
        ("+١٢٣٤٥٦٧٨٩٠١", "only the digits"),
        ("+123456789", "has 9 digits"),
        ("+1234567890123456", "has 16 digits"),
    ],
)
def test_invalid_phone_message_says_what_is_wrong(raw: str, hint: str) -> None:
    with pytest.raises(InvalidPhoneError, match=r"e\.g\. \+12345678901") as caught:
        normalize_phone(raw)
    assert hint in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [
        "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ",  # 43, padding missing
        "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf_F5HVRQ=",  # base64url alphabet
        "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ==",  # 45
        "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQA",  # 44 chars but 33 bytes
        " tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=",  # not trimmed, like the operator
        "g4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514",  # not hex
        "",
    ],
)
def test_malformed_hashes_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidHashError, match="44 characters of standard base64"):
        normalize_hash(raw)


def test_base64_hash_is_returned_canonical() -> None:
    digest = hashlib.sha256(b"user@example.com").digest()
    assert normalize_hash(base64.b64encode(digest).decode()) == base64.b64encode(digest).decode()


def test_request_field_sends_hash_unless_raw_is_asked_for() -> None:
    email = parse_dii(DiiKind.EMAIL, "Jane.Doe@Gmail.com")
    assert email.request_field() == ("email_hash", hash_identifier("janedoe@gmail.com"))
    assert email.request_field(send_raw=True) == ("email", "janedoe@gmail.com")
    phone = parse_dii(DiiKind.PHONE, "+12345678901")
    assert phone.request_field(send_raw=True) == ("phone", "+12345678901")
    phone_hash = parse_dii(DiiKind.PHONE_HASH, phone.hash_b64)
    assert phone_hash.request_field() == ("phone_hash", phone.hash_b64)
    assert phone_hash.identity_type is IdentityType.PHONE


def test_hash_identifier_refuses_text_that_is_not_utf8_encodable() -> None:
    with pytest.raises(InputError):
        hash_identifier("a\ud800@example.com")
    with pytest.raises(InvalidEmailError):
        normalize_email("a\ud800@example.com")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aAzZ .+@@gmail.comxé\t-_"), max_size=24) | st.text())
def test_email_normalisation_agrees_with_the_official_sdk_port(raw: str) -> None:
    expected = normalize_email_string(raw)
    if expected is None:
        with pytest.raises(InvalidEmailError):
            normalize_email(raw)
    else:
        assert normalize_email(raw) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("+0123456789 -a"), max_size=20))
def test_phone_check_agrees_with_the_official_sdk_on_ascii_input(raw: str) -> None:
    accepted = True
    try:
        normalize_phone(raw)
    except InvalidPhoneError:
        accepted = False
    assert accepted is is_phone_number_normalized(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", f"{_PHONE_RULE_TEXT}; nothing was entered"),
        ("+1 234 567 8901", f"{_PHONE_RULE_TEXT}; remove spaces, dashes, dots and brackets"),
        ("12345678901", f"{_PHONE_RULE_TEXT}; it must start with + and the country code"),
        ("+a2345678901", f"{_PHONE_RULE_TEXT}; only the digits 0–9 may follow the +"),
        ("+1234567890A", f"{_PHONE_RULE_TEXT}; only the digits 0–9 may follow the +"),
        ("+123456789", f"{_PHONE_RULE_TEXT}; this one has 9 digits"),
    ],
)
def test_a_refused_phone_says_why_in_words(raw: str, message: str) -> None:
    with pytest.raises(InvalidPhoneError) as refused:
        normalize_phone(raw)
    assert str(refused.value) == message


def test_a_gmail_address_with_nothing_left_says_why() -> None:
    with pytest.raises(InvalidEmailError) as refused:
        normalize_email("+tag@gmail.com")
    assert str(refused.value) == (
        "not an email address the operator accepts: for gmail.com dots and everything after "
        "'+' are ignored, and nothing is left before the '@' (e.g. jane.doe@example.com)"
    )


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("0123456789", "has 10 characters"), ("*" * 44, "does not decode to 32 bytes")],
)
def test_a_refused_hash_shows_the_expected_form_and_what_is_wrong(raw: str, problem: str) -> None:
    with pytest.raises(InvalidHashError) as refused:
        normalize_hash(raw)
    assert str(refused.value) == (
        "a hash must be the SHA-256 of the normalised DII as 44 characters of standard base64 "
        "(e.g. tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=) or 64 hex digits; "
        f"this one {problem}"
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("jane@doe@example.com", "it has more than one '@'"),
        ("jane.example.com", "it has no '@'"),
        ("jane@", "nothing follows the '@'"),
        ("@example.com", "nothing comes before the '@'"),
    ],
)
def test_a_refused_email_says_why_in_words(raw: str, reason: str) -> None:
    with pytest.raises(InvalidEmailError) as refused:
        normalize_email(raw)
    assert str(refused.value) == (
        f"not an email address the operator accepts: {reason} (e.g. jane.doe@example.com)"
    )


def test_a_pasted_lone_surrogate_is_refused_in_words() -> None:
    with pytest.raises(InvalidEmailError) as refused:
        normalize_email("jane\ud800@example.com")
    assert str(refused.value) == (
        "the text contains characters that cannot be encoded as UTF-8 (lone surrogates); "
        "retype it instead of pasting"
    )
