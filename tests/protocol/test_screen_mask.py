"""The one masking rule: tokens, raw UIDs and keys go; words, ids and times stay."""

from __future__ import annotations

import base64
import json
import os

import pytest

from uid2_desk.protocol.screen_mask import SCREEN_MASK, holds_secret, mask_for_screen, screen_text


def _b64(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode("ascii")


@pytest.mark.parametrize("size", [32, 48, 160, 291])  # raw UID / key, and token sizes
def test_encoded_bytes_of_a_uid_key_or_token_are_masked(size: int) -> None:
    value = _b64(size)
    text = json.dumps({"advertising_token": value, "n": 1}, ensure_ascii=False)
    masked = mask_for_screen(text)
    assert value not in masked
    assert SCREEN_MASK in masked
    assert '"advertising_token"' in masked  # the field name stays readable
    assert holds_secret(text)
    assert not holds_secret(masked)


def test_a_sentence_keeps_its_words_and_loses_the_uid() -> None:
    uid = _b64(32)
    masked = mask_for_screen(f"The buyer decrypted the token to raw UID2 {uid}.")
    assert masked == f"The buyer decrypted the token to raw UID2 {SCREEN_MASK}."


@pytest.mark.parametrize(
    "text",
    [
        "3f2b8c1e-9a4d-4c7b-8e2f-0a1b2c3d4e5f",  # a UUID (36 characters)
        "https://operator-integ.uidapi.com/v2/token/generate",
        "client-side-optout-on-refresh-then-recover-again-later",  # a dashed word list
        "UID2-C-L-999-fCXr…",  # an already masked key
        "2026-12-06 19:50:26.123",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert mask_for_screen(text) == text
    assert not holds_secret(text)


def test_screen_text_masks_only_when_asked() -> None:
    value = _b64(32)
    assert screen_text(value, False) == value
    assert screen_text(value, True) == SCREEN_MASK
