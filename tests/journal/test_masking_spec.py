"""What must be masked, and what must stay readable: the rules the journal and every export keep.

Written against the survivors of a mutation spot-check (issue 19): each case here fails if the
rule it names is loosened (a header dropped from the credential list, the token pattern's
minimum lowered, the phone pattern's boundaries removed, the scheme check loosened).
"""

from __future__ import annotations

import pytest

from uid2_desk.journal.masking import (
    MASKED,
    is_masked_credential,
    mask_credential,
    mask_dii_in_text,
    scrub_headers,
    shorten_tokens_in_text,
)

HASH_44 = "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="
TOKEN_60 = "A4AAAAB" + "x" * 53
TOKEN_59 = TOKEN_60[:59]


@pytest.mark.parametrize("name", ["Authorization", "authorization", "Proxy-Authorization"])
def test_every_credential_header_is_masked_before_it_is_written(name: str) -> None:
    scrubbed = dict(scrub_headers(((name, "Bearer UID2-C-L-999-supersecretkeyvalue"), ("X", "y"))))
    assert scrubbed[name] == f"Bearer {MASKED}"
    assert scrubbed["X"] == "y"


def test_headers_without_credentials_are_returned_untouched() -> None:
    headers = (("Content-Type", "text/plain"), ("X-UID2-Client-Version", "uid2-desk-0.1.0"))
    assert scrub_headers(headers) is headers


def test_a_credential_without_a_scheme_is_masked_whole() -> None:
    assert mask_credential("UID2-C-L-999-supersecretkeyvalue") == MASKED
    assert mask_credential("Bearer UID2-C-L-999-supersecretkeyvalue") == f"Bearer {MASKED}"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("Bearer UID2-C-L-999-…", True),  # the readable prefix, then the marker
        ("Bearer UID2-C-L-999-abcdefgh…", False),  # too much of the key still shows
        ("Bearer [masked]", True),
        ("Bearer UID2-C-L-999-abc", False),  # no marker at all
        ("UID2-C-L-999-…", True),  # no scheme: the whole value is the credential
        ("Bearer1 UID2-C-L-999-…", False),  # no scheme: 20 characters of it would show
    ],
)
def test_a_credential_counts_as_masked_only_with_a_marker_and_a_short_prefix(
    value: str, masked: bool
) -> None:
    assert is_masked_credential(value) is masked


def test_a_44_character_hash_stays_readable_while_a_token_is_shortened() -> None:
    text = f"hash {HASH_44} token {TOKEN_60} short {TOKEN_59}"
    shortened = shorten_tokens_in_text(text)
    assert HASH_44 in shortened
    assert TOKEN_59 in shortened  # under the 60-character minimum: not a token
    assert TOKEN_60 not in shortened
    assert f"{TOKEN_60[:8]}…{TOKEN_60[-4:]}" in shortened


@pytest.mark.parametrize(
    ("text", "hashed"),
    [
        ("call +12345678901 now", True),
        ("id a+12345678901", False),  # part of a word: not a phone number
        ("+12345678901234567", False),  # too many digits for E.164
        ("version +123", False),  # too few
    ],
)
def test_only_whole_e164_numbers_count_as_phone_numbers(text: str, hashed: bool) -> None:
    assert (mask_dii_in_text(text) != text) is hashed
