"""Keeping secrets and personal data out of what the journal writes.

Two layers use these helpers:

- the journal itself, on every append (defence in depth: the client already masks the
  ``Authorization`` header, but a credential that slips through is replaced here before any
  byte reaches the disk), and for event details whose key names a secret;
- the exports, which always mask secret-named fields inside decrypted JSON
  (``refresh_response_key``, key ``secret`` values, ``api_key``...) and optionally hash DII and
  shorten tokens (:mod:`uid2_desk.journal.redaction`).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import hash_identifier, normalize_email, normalize_phone

#: Headers whose value authenticates the caller.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
#: What replaces a credential that arrived unmasked, and any secret-named field.
MASKED = "[masked]"
#: Characters that show a value was masked by someone.
_MASK_MARKERS = ("*", "…", "•", MASKED)
#: A masked credential may still show a recognisable prefix (``UID2-C-L-999-***``), no more.
MAX_VISIBLE_CREDENTIAL_CHARS = 16
#: Substrings of a field name (lower case, ``_`` and ``-`` removed) that mark a secret.
_SECRET_NAME_PARTS = (
    "secret",
    "password",
    "passwd",
    "apikey",
    "clientkey",
    "privatekey",
    "responsekey",
    "authorization",
    "credential",
)
#: JSON fields that hold UID2 tokens (shortened on request).
TOKEN_FIELDS = frozenset({"advertising_token", "refresh_token", "token"})
#: JSON fields that hold raw DII, and what kind each is.
EMAIL_FIELDS = frozenset({"email"})
PHONE_FIELDS = frozenset({"phone"})

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*")
_PHONE_RE = re.compile(r"(?<![\w+])\+\d{10,15}(?!\d)")
#: A run long enough to be a token or key in free text (advertising tokens are 150+ chars,
#: refresh tokens 388); hashes (44) and UUIDs stay readable.
_TOKEN_RE = re.compile(r"[A-Za-z0-9+/_\-]{60,}={0,2}")


#: Any of the parts, in one search (a tenth of ``any(part in flat ...)`` on a field name).
_SECRET_PART = re.compile("|".join(_SECRET_NAME_PARTS))


def _flat(text: str) -> str:
    return text.lower().replace("_", "").replace("-", "")


def is_secret_name(name: str) -> bool:
    """Whether a field or header name denotes a secret (``secret``, ``api_key``...).

    Remembered per name (a bounded cache of short names): a journal sees the same few field
    names in every reply, and masking a reply asks about each of its fields.
    """
    if len(name) <= _REMEMBERED_NAME_LENGTH:
        return _is_secret_short_name(name)
    return _SECRET_PART.search(_flat(name)) is not None


#: Longer names are not remembered: a client's odd JSON must not fill memory.
_REMEMBERED_NAME_LENGTH = 64


@functools.lru_cache(maxsize=4096)
def _is_secret_short_name(name: str) -> bool:
    return _SECRET_PART.search(_flat(name)) is not None


def may_name_a_secret(text: str) -> bool:
    """Whether JSON text may hold a field :func:`is_secret_name` would name; if not, none.

    The text is flattened as a name is (lower case, no ``_`` or ``-``): a field name written
    out in the text then stays a substring of it, so a text without any part cannot hold one.
    A ``\\u`` escape could spell a name the flat text does not show, so it answers yes.
    Plain substring tests over the flat text: the case-insensitive regular expression this
    replaces took ten times as long over a 1 KB reply.
    """
    if "response_key" in text or "\\u" in text:  # every generate and refresh reply: at once
        return True
    flat = _flat(text)
    return any(part in flat for part in _SECRET_NAME_PARTS)


#: ``"name":`` in JSON-like text (the name's escapes kept).
_NAME_IN_TEXT = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*')
#: A string value; its closing quote may be missing when the text was cut.
_STRING_VALUE = re.compile(r'"(?:[^"\\]|\\.)*"?')
_BARE_VALUE = re.compile(r"[^,}\]\s]*")


def _field_name(raw: str) -> str:
    try:
        # ``raw`` holds no bare quote (the pattern), so this is one string literal: a str.
        name: str = json.loads(f'"{raw}"')
    except ValueError:  # a broken escape (``\\x``): the name as written
        return raw
    return name


def _container_end(text: str, start: int) -> int:
    """Where the object or array opening at ``start`` closes (the text's end if it never does)."""
    depth, at, in_string = 0, start, False
    while at < len(text):
        char = text[at]
        if in_string:
            if char == "\\":
                at += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return at + 1
        at += 1
    return len(text)


def _value_end(text: str, start: int) -> int:
    """Where the value starting at ``start`` ends: a string, an object or array, or a bare one."""
    if text[start : start + 1] in ("{", "["):
        return _container_end(text, start)
    pattern = _STRING_VALUE if text[start : start + 1] == '"' else _BARE_VALUE
    found = pattern.match(text, start)
    assert found is not None  # a string starts at a quote; a bare value may be empty
    return found.end()


def mask_secret_fields_in_text(text: str) -> str:
    """Text that does not parse as JSON with each secret-named field's value masked.

    A body cut short or malformed (an outside client's, captured as it came) still names its
    fields; the whole value of each secret-named one (a string, a bare value, or an object or
    array up to its close, or to the text's end when it never closes) becomes ``"[masked]"``.
    """
    kept: list[str] = []
    done = 0
    for name in _NAME_IN_TEXT.finditer(text):
        if name.start() < done or not is_secret_name(_field_name(name.group(1))):
            continue
        kept += [text[done : name.end()], f'"{MASKED}"']
        done = _value_end(text, name.end())
    return "".join(kept) + text[done:]


def mask_secret_fields(value: Any) -> Any:
    """A copy of a JSON value with every secret-named field's value replaced by ``[masked]``."""
    if isinstance(value, dict):
        return {
            k: MASKED if is_secret_name(k) and v is not None else mask_secret_fields(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_secret_fields(v) for v in value]
    return value


def is_masked_credential(value: str) -> bool:
    """Whether an ``Authorization``-style value is already masked.

    Masked means it carries a mask marker and shows at most
    :data:`MAX_VISIBLE_CREDENTIAL_CHARS` characters of the credential after the scheme.
    """
    scheme, _, rest = value.strip().partition(" ")
    credential = rest if rest and scheme.isalpha() else value
    if not any(marker in credential for marker in _MASK_MARKERS):
        return False
    visible = credential
    for marker in _MASK_MARKERS:
        visible = visible.replace(marker, "")
    return len(visible.strip()) <= MAX_VISIBLE_CREDENTIAL_CHARS


def mask_credential(value: str) -> str:
    """Keep a masked credential as it is; replace anything else, keeping only the scheme."""
    if is_masked_credential(value):
        return value
    scheme, _, rest = value.strip().partition(" ")
    if rest and scheme.isalpha():
        return f"{scheme} {MASKED}"
    return MASKED


#: Credential header values found already masked (``Bearer UID2-C-L-999-***``): the desk
#: sends the same masked key on every call, and checking it again cost a microsecond per
#: append. Only masked values are kept, never one that still needed masking.
_KEPT_AS_MASKED: set[str] = set()
_KEPT_AS_MASKED_LIMIT = 256


def _remember_masked(value: str) -> None:
    if len(_KEPT_AS_MASKED) >= _KEPT_AS_MASKED_LIMIT:
        _KEPT_AS_MASKED.clear()
    _KEPT_AS_MASKED.add(value)


def scrub_headers(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Headers with every credential header masked.

    The very same tuple comes back when nothing needs masking (callers test ``is`` to skip
    copying the exchange).
    """
    for name, value in headers:  # a loop, not any(): no generator for every append
        if name.lower() in CREDENTIAL_HEADERS and value not in _KEPT_AS_MASKED:
            if mask_credential(value) != value:
                break
            _remember_masked(value)
    else:
        return headers
    return tuple(
        (name, mask_credential(value) if name.lower() in CREDENTIAL_HEADERS else value)
        for name, value in headers
    )


def shorten_token(token: str) -> str:
    """``first 8 … last 4`` of a token; short values are left alone."""
    if len(token) <= 16:
        return token
    return f"{token[:8]}…{token[-4:]}"


def hash_email(raw: str) -> str:
    """The base64 SHA-256 of an email as the operator would hash it (normalised if possible)."""
    try:
        return hash_identifier(normalize_email(raw))
    except InputError:
        return hash_identifier(raw.strip())


def hash_phone(raw: str) -> str:
    """The base64 SHA-256 of a phone number (normalised if possible)."""
    try:
        return hash_identifier(normalize_phone(raw))
    except InputError:
        return hash_identifier(raw.strip())


def hash_dii_text(value: str) -> str:
    """Hash a free-standing DII value, guessing email or phone from its shape."""
    return hash_email(value) if "@" in value else hash_phone(value)


def mask_dii_in_text(text: str) -> str:
    """Replace every email address and E.164 phone number in free text by its hash."""
    text = _EMAIL_RE.sub(lambda m: hash_email(m.group(0)), text)
    return _PHONE_RE.sub(lambda m: hash_phone(m.group(0)), text)


def shorten_tokens_in_text(text: str) -> str:
    """Shorten every token-sized run of base64 characters in free text."""
    return _TOKEN_RE.sub(lambda m: shorten_token(m.group(0)), text)
