"""What must be masked, and what must stay readable: the rules the journal and every export keep.

Written against the survivors of a mutation spot-check (issue 19): each case here fails if the
rule it names is loosened (a header dropped from the credential list, the token pattern's
minimum lowered, the phone pattern's boundaries removed, the scheme check loosened).
"""

from __future__ import annotations

import json

import pytest

from uid2_desk.journal import masking
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


@pytest.mark.parametrize("name", ["api_key", "X-Api-Key", "client-secret", "refresh_response_key"])
def test_secret_names_are_recognised_whatever_their_separators(name: str) -> None:
    from uid2_desk.journal.masking import is_secret_name

    assert is_secret_name(name)


def test_a_single_word_credential_is_masked_whole_never_kept_as_a_scheme() -> None:
    assert mask_credential("sEcReTvAlUe") == MASKED  # no space: all of it is the secret
    assert mask_credential("Bearer UID2 key with spaces") == f"Bearer {MASKED}"


def test_sixteen_visible_characters_is_the_most_a_masked_credential_shows() -> None:
    assert is_masked_credential("Bearer " + "x" * 16 + "…")
    assert not is_masked_credential("Bearer " + "x" * 17 + "…")


def test_a_token_of_sixteen_characters_is_short_enough_to_keep() -> None:
    from uid2_desk.journal.masking import shorten_token

    assert shorten_token("x" * 16) == "x" * 16
    assert shorten_token("x" * 17) == "xxxxxxxx…xxxx"


def test_emails_in_free_text_become_their_hash_even_when_they_do_not_normalise() -> None:
    from uid2_desk.journal.masking import hash_email
    from uid2_desk.protocol.normalize import hash_identifier

    masked = mask_dii_in_text("user jane.doe@example.com signed in")
    assert "jane.doe@example.com" not in masked
    assert hash_email("jane.doe@example.com") in masked
    assert hash_email(" not@valid@ ") == hash_identifier("not@valid@")


def test_a_masked_credential_may_contain_a_space_after_its_scheme() -> None:
    assert is_masked_credential("Bearer UID2-C-L-9 …")


def test_free_standing_dii_is_hashed_as_the_kind_its_shape_says() -> None:
    from uid2_desk.journal.masking import hash_dii_text, hash_email, hash_phone
    from uid2_desk.protocol.normalize import hash_identifier

    assert hash_dii_text("Jane.Doe@example.com") == hash_email("Jane.Doe@example.com")
    assert hash_dii_text("+12345678901") == hash_phone("+12345678901")
    assert hash_phone(" 555-not-e164 ") == hash_identifier("555-not-e164")
    assert hash_phone("+12345678901") == hash_identifier("+12345678901")
    assert hash_phone("+12345678901") in mask_dii_in_text("call +12345678901 now")


def test_a_decrypted_body_keeps_no_secret_named_field_in_the_journal() -> None:
    from uid2_desk.journal.prepare import without_secrets

    body = {
        "body": {
            "advertising_token": "AgAAA",
            "refresh_response_key": "a2V5",
            "nested": [{"client_key": "c", "Password": "p", "note": None}],
            "Authorization": "Bearer x",
            "credentials": {"api-key": "k"},
            "private_key": None,
        },
        "status": "success",
    }
    stored = json.loads(without_secrets(json.dumps(body)) or "")
    assert stored == {
        "body": {
            "advertising_token": "AgAAA",
            "refresh_response_key": "[masked]",
            "nested": [{"client_key": "[masked]", "Password": "[masked]", "note": None}],
            "Authorization": "[masked]",
            "credentials": "[masked]",
            "private_key": None,  # nothing to hide
        },
        "status": "success",
    }


def test_a_body_without_secrets_is_kept_as_it_came_byte_for_byte() -> None:
    from uid2_desk.journal.prepare import without_secrets

    for text in ('{ "status" : "success" }', '{"keys": [1, 2]}', "not json but a key", ""):
        assert without_secrets(text) is text
    assert without_secrets(None) is None


@pytest.mark.parametrize(
    "text",
    [
        '{"pass_word": "hunter2"}',  # a separator inside the word a part spells
        '{"API-KEY": "k"}',  # capitals and a dash
        '{"\\u0073ecret": "s"}',  # a JSON escape spells "secret"
        '{"a": {"Client_Secret": "s"}}',
    ],
)
def test_a_secret_field_is_masked_however_its_name_is_written(text: str) -> None:
    from uid2_desk.journal.masking import may_name_a_secret
    from uid2_desk.journal.prepare import without_secrets

    assert may_name_a_secret(text)
    stored = without_secrets(text) or ""
    assert "[masked]" in stored
    for secret in ("hunter2", '"k"', '"s"'):
        assert secret not in stored


def test_text_that_spells_no_secret_name_is_not_parsed_at_all() -> None:
    from uid2_desk.journal.masking import may_name_a_secret

    assert not may_name_a_secret('{"status": "success", "body": {"token": "AgAA"}}')
    assert not may_name_a_secret('{"monkey_business": 1, "u": "\\n"}')  # "key" alone is no part
    assert may_name_a_secret("x-credential")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ('{"client_secret": "s3cr3t", "email": "a@x.test"', '"email": "a@x.test"'),  # cut short
        ('{"client_secret": "s3cr3t', '{"client_secret": "[masked]"'),  # cut inside the value
        ('{"api_key": 12345, "note": "x",}', '"note": "x"'),  # a bare value, a stray comma
        ('{"\\u0073ecret": "s3cr3t" "x": 1}', '"x": 1'),  # an escaped name, a missing comma
        ('{"refresh_response_key":"s3cr3t\\"tail",', '"refresh_response_key":"[masked]"'),
        ('{"client\\qsecret": "s3cr3t", "x": 2', '"x": 2'),  # a name with a broken escape
        ('{"credentials": {"api_key": "s3cr3t", "id": 12345}, "x": 3', '"x": 3'),  # an object
        ('{"secret": ["s3cr3t", "b"', '{"secret": "[masked]"'),  # an array cut short
    ],
)
def test_a_body_that_is_not_valid_json_still_keeps_no_secret_in_the_journal(
    text: str, kept: str, tmp_path: object
) -> None:
    # An outside client's body is captured as it came: cut short or malformed, it names its
    # fields all the same, and a secret-named one must not reach the journal in clear.
    from pathlib import Path

    from uid2_desk.journal import Journal
    from uid2_desk.protocol.exchange import Exchange, Timings

    exchange = Exchange(
        endpoint="/v2/token/generate",
        url="http://127.0.0.1:8080/v2/token/generate",
        started_ms=0,
        timings=Timings(total_ms=1.0),
        request_plaintext=text,
    )
    with Journal.open(Path(str(tmp_path)) / "journal.sqlite3") as journal:
        seq = journal.append_exchange(
            exchange, session="s", user=None, environment="local", step=None
        ).seq
        stored = journal.get(seq)
    assert stored is not None
    assert stored.exchange is not None
    plaintext = stored.exchange.request_plaintext or ""
    assert "s3cr3t" not in plaintext
    assert "12345" not in plaintext
    assert "[masked]" in plaintext
    assert kept in plaintext


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # An object value, with a string holding brackets and an escaped quote, then more.
        (
            '{"credentials": {"k": "a}]\\"{[", "n": [1, {"x": 2}]}, "after": 1',
            '{"credentials": "[masked]", "after": 1',
        ),
        # An array value, then more; a secret name inside it is not looked at again.
        ('{"secrets": ["a", {"secret": "b"}], "after": 2', '{"secrets": "[masked]", "after": 2'),
        # A container that never closes runs to the end of the text.
        ('{"password": {"a": [1, 2', '{"password": "[masked]"'),
        # Strings, bare values and nothing at all after the colon.
        ('{"api_key" : "k,}]", "z": 0', '{"api_key" : "[masked]", "z": 0'),
        ('{"api_key":true}', '{"api_key":"[masked]"}'),
        ('{"api_key":', '{"api_key":"[masked]"'),
        # An escaped quote right before the string's end; bare words in capitals.
        ('{"secret": ["a\\"", 1], "after": 4', '{"secret": "[masked]", "after": 4'),
        ('{"secret": [TRUEX, XX], "after": 5', '{"secret": "[masked]", "after": 5'),
        # A secret right after the last one's value, with no separator between.
        ('{"secret":"a""api_key":"b"', '{"secret":"[masked]""api_key":"[masked]"'),
        # Two secrets, and names that are not secrets, kept as they are.
        (
            '{"token": "t", "secret": 1, "note": {"a": 1}, "passwd": "p"',
            '{"token": "t", "secret": "[masked]", "note": {"a": 1}, "passwd": "[masked]"',
        ),
    ],
)
def test_text_that_is_not_json_has_each_secret_value_masked_exactly_and_nothing_else(
    text: str, masked: str
) -> None:
    from uid2_desk.journal.masking import mask_secret_fields_in_text

    assert mask_secret_fields_in_text(text) == masked


def test_a_credential_seen_masked_is_remembered_but_a_secret_never_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(masking, "_KEPT_AS_MASKED", set())  # nothing known from other tests
    masked = ("Authorization", "Bearer UID2-C-L-999-***")
    secret = ("Authorization", "Bearer UID2-C-L-999-***" + "realsecretkeyvalue")
    assert scrub_headers((masked,)) == (masked,)
    assert masked[1] in masking._KEPT_AS_MASKED  # checked once, then known masked
    for _ in range(2):  # the second time too: a secret is never taken for a masked value
        assert scrub_headers((masked, secret)) == (masked, ("Authorization", f"Bearer {MASKED}"))
    assert secret[1] not in masking._KEPT_AS_MASKED
    held = []
    for n in range(masking._KEPT_AS_MASKED_LIMIT + 5):  # bounded however many keys pass
        scrub_headers((("Authorization", f"Bearer UID2-C-L-{n}-***"),))
        held.append(len(masking._KEPT_AS_MASKED))
    assert max(held) == masking._KEPT_AS_MASKED_LIMIT


def test_a_field_name_too_long_to_remember_is_still_judged_by_its_words() -> None:
    long_secret = "x" * 60 + "_client_secret"  # past the 64 characters names are cached to
    long_plain = "y" * 80
    assert masking.is_secret_name(long_secret)
    assert not masking.is_secret_name(long_plain)
    document = {long_secret: "s3cr3t", long_plain: "kept"}
    assert masking.mask_secret_fields(document) == {long_secret: MASKED, long_plain: "kept"}
