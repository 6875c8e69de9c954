"""What the exports hide: secrets always, DII and full tokens on request.

:func:`redact_entry` returns a copy of an entry fit for an export. Whatever the options:

- credential headers (``Authorization``) are masked unless already masked;
- any JSON field whose name denotes a secret (``secret``, ``api_key``, ``client_secret``,
  ``refresh_response_key``...) in a plaintext or a plain-JSON body becomes ``[masked]``, and so
  do event details with such names.

With :attr:`Redaction.mask_dii`, email addresses and phone numbers (the ``user``, ``email`` and
``phone`` fields, and any found in free text) become their base64 SHA-256, the same value the
operator would hash them to. With :attr:`Redaction.shorten_tokens`, advertising and refresh
tokens become ``first 8 … last 4`` (JSON token fields, the refresh request's body, and
token-sized runs in free text). Encrypted bodies are left as they are: without the client
secret they reveal nothing.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

from uid2_desk.journal.masking import (
    EMAIL_FIELDS,
    MASKED,
    PHONE_FIELDS,
    TOKEN_FIELDS,
    hash_email,
    hash_phone,
    is_secret_name,
    mask_dii_in_text,
    scrub_headers,
    shorten_token,
    shorten_tokens_in_text,
)
from uid2_desk.journal.model import JournalEntry
from uid2_desk.protocol.exchange import Exchange

_REFRESH_SUFFIX = "/token/refresh"


@dataclass(frozen=True)
class Redaction:
    """Export options beyond the secrets that are always masked.

    Attributes:
        mask_dii: replace emails and phone numbers by their base64 SHA-256.
        shorten_tokens: cut tokens to ``first 8 … last 4``.
    """

    mask_dii: bool = False
    shorten_tokens: bool = False


def redact_text(text: str, r: Redaction) -> str:
    """Free text (summaries, errors, detail values) with DII and tokens treated per ``r``."""
    if r.mask_dii:
        text = mask_dii_in_text(text)
    if r.shorten_tokens:
        text = shorten_tokens_in_text(text)
    return text


def _redact_value(value: object, key: str | None, r: Redaction) -> object:
    if isinstance(value, dict):
        return {k: _redact_value(v, str(k), r) for k, v in value.items()}
    if isinstance(value, list):
        # A list inherits its field's name: {"email": ["a@b.c", ...]} in identity map.
        return [_redact_value(v, key, r) for v in value]
    if key is not None and is_secret_name(key) and value is not None:
        return MASKED
    if not isinstance(value, str):
        return value
    if r.mask_dii and key in EMAIL_FIELDS:
        return hash_email(value)
    if r.mask_dii and key in PHONE_FIELDS:
        return hash_phone(value)
    if r.shorten_tokens and key in TOKEN_FIELDS:
        return shorten_token(value)
    return redact_text(value, r)


def redact_json_text(text: str, r: Redaction) -> str | None:
    """A JSON document's text redacted per ``r`` (secrets always), or ``None`` if not JSON.

    The text is returned unchanged when nothing needed hiding; otherwise re-serialised compactly.
    """
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict | list):
        return None
    redacted = _redact_value(doc, None, r)
    if redacted == doc:
        return text
    return json.dumps(redacted, separators=(",", ":"), ensure_ascii=False)


def redact_plaintext(text: str | None, r: Redaction) -> str | None:
    """A decrypted payload: as JSON when it parses, else as free text."""
    if text is None:
        return None
    as_json = redact_json_text(text, r)
    return as_json if as_json is not None else redact_text(text, r)


def _redact_body(body: bytes, r: Redaction, *, is_refresh_request: bool) -> bytes:
    """Plain bodies (JSON, a refresh token) are redacted; encrypted ones kept byte for byte."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    as_json = redact_json_text(text, r)
    if as_json is not None:
        return as_json.encode("utf-8")
    if is_refresh_request:
        return redact_text(text, r).encode("utf-8")
    return body


def redact_exchange(exchange: Exchange, r: Redaction) -> Exchange:
    """An exchange fit for an export (see the module docstring)."""
    refresh = exchange.endpoint.endswith(_REFRESH_SUFFIX)
    return dataclasses.replace(
        exchange,
        request_headers=scrub_headers(exchange.request_headers),
        response_headers=scrub_headers(exchange.response_headers),
        request_plaintext=redact_plaintext(exchange.request_plaintext, r),
        request_body=_redact_body(exchange.request_body, r, is_refresh_request=refresh),
        response_plaintext=redact_plaintext(exchange.response_plaintext, r),
        response_body=_redact_body(exchange.response_body, r, is_refresh_request=False),
        error=None if exchange.error is None else redact_text(exchange.error, r),
        extra=_redact_pairs(exchange.extra, r),
    )


def _redact_pairs(pairs: tuple[tuple[str, str], ...], r: Redaction) -> tuple[tuple[str, str], ...]:
    return tuple((k, MASKED if is_secret_name(k) else redact_text(v, r)) for k, v in pairs)


#: A user that is a phone number as a client sent it: digits with the separators people type
#: (``+1 206 555 0100``, ``12065550100``), at least seven digits, nothing else.
_PHONE_SHAPED = re.compile(r"\s*\+?[\d(][\d ().\-]*\s*")


def _is_phone_shaped(text: str) -> bool:
    return _PHONE_SHAPED.fullmatch(text) is not None and sum(c.isdigit() for c in text) >= 7


def redact_user(user: str | None, r: Redaction) -> str | None:
    """The test user as an export shows it: hashed with ``mask_dii``.

    A user that is an email or a phone number as an outside client sent it (the capture names
    a chain by the DII of its generate, spaces and all) gets the hash its request's ``email``
    or ``phone`` field gets; anything else has the addresses and numbers in it hashed.
    """
    if user is None or not r.mask_dii:
        return user
    if "@" in user:
        return hash_email(user)
    if _is_phone_shaped(user):
        return hash_phone(user)
    return mask_dii_in_text(user)


def redact_entry(entry: JournalEntry, r: Redaction) -> JournalEntry:
    """A copy of ``entry`` fit for an export (secrets always masked; DII/tokens per ``r``)."""
    return dataclasses.replace(
        entry,
        user=redact_user(entry.user, r),
        summary=redact_text(entry.summary, r),
        detail=_redact_pairs(entry.detail, r),
        exchange=None if entry.exchange is None else redact_exchange(entry.exchange, r),
    )
