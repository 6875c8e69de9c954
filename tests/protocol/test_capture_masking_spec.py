"""Capture masking judges every field name by its words, remembering only short names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from uid2_desk.protocol import capture_masking
from uid2_desk.protocol.capture_masking import MASKED, mask_secrets


@pytest.fixture(autouse=True)
def judged_afresh() -> Iterator[None]:
    """No verdict remembered from another test (or mutation testing's first pass)."""
    capture_masking._is_secret_short_name.cache_clear()
    yield
    capture_masking._is_secret_short_name.cache_clear()


@pytest.mark.parametrize(
    "name",
    [
        "client_secret",
        "refresh_response_key",
        "Private-Key",
        "apiKey",
        "API_KEY",
        "x" * 60 + "_client_secret",  # too long to remember, still a secret
    ],
)
def test_a_secret_named_field_is_masked_wherever_it_is(name: str) -> None:
    document = {"body": [{name: "s3cr3t", "kept": 1}], name: "again"}
    assert mask_secrets(document) == {"body": [{name: MASKED, "kept": 1}], name: MASKED}


@pytest.mark.parametrize("name", ["advertising_token", "keys", "nonce", "y" * 80])
def test_other_fields_are_kept(name: str) -> None:
    assert mask_secrets({name: "value"}) == {name: "value"}


def test_a_null_secret_stays_null() -> None:
    assert mask_secrets({"client_secret": None}) == {"client_secret": None}


def test_short_names_are_remembered_long_ones_judged_each_time() -> None:
    short, long = "client_secret", "z" * 70 + "_secret"
    for _ in range(2):
        assert mask_secrets({short: "a", long: "b", "plain": "c"}) == {
            short: MASKED,
            long: MASKED,
            "plain": "c",
        }
    remembered = capture_masking._is_secret_short_name.cache_info()
    assert (remembered.currsize, remembered.hits) == (2, 2)  # short and plain, each once more
