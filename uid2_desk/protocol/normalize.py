"""Normalising and hashing DII exactly as the operator does (uid2-protocol.md §5).

Email follows the operator's ``InputUtil.normalizeEmailString`` character for character:
skip leading ASCII spaces, lower-case ASCII ``A``-``Z`` only, drop trailing spaces of the
domain, and for ``gmail.com`` alone drop dots and the ``+tag`` of the local part. Phones are
not normalised by anyone: they must already be E.164. Hashes are base64 of SHA-256 of the
UTF-8 text; the operator also accepts 64 hex digits, which :func:`normalize_hash` converts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from uid2_desk.protocol.errors import (
    InputError,
    InvalidEmailError,
    InvalidHashError,
    InvalidPhoneError,
)
from uid2_desk.protocol.tokens_model import IdentityType

GMAIL_DOMAIN = "gmail.com"
MIN_PHONE_DIGITS = 10
MAX_PHONE_DIGITS = 15
HASH_BYTES = 32
HASH_B64_LENGTH = 44
HASH_HEX_LENGTH = 64

_E164 = re.compile(r"\+[0-9]{10,15}", re.ASCII)
_HEX64 = re.compile(r"[0-9a-fA-F]{64}", re.ASCII)
_PHONE_SEPARATORS = frozenset(" \t-().")
_PHONE_RULE = "phone numbers must be E.164: + then 10–15 digits, e.g. +12345678901"
_EMAIL_EXAMPLE = "e.g. jane.doe@example.com"


class DiiKind(StrEnum):
    """The four kinds of directly identifying input the operator accepts."""

    EMAIL = "email"
    PHONE = "phone"
    EMAIL_HASH = "email_hash"
    PHONE_HASH = "phone_hash"

    @property
    def identity_type(self) -> IdentityType:
        """Email or phone, whether given raw or hashed."""
        if self in (DiiKind.EMAIL, DiiKind.EMAIL_HASH):
            return IdentityType.EMAIL
        return IdentityType.PHONE

    @property
    def is_hash(self) -> bool:
        """True for the two hashed kinds."""
        return self in (DiiKind.EMAIL_HASH, DiiKind.PHONE_HASH)

    @property
    def hash_kind(self) -> DiiKind:
        """The hashed kind of the same identity type (the field sent by default)."""
        return (
            DiiKind.EMAIL_HASH if self.identity_type is IdentityType.EMAIL else DiiKind.PHONE_HASH
        )


def _invalid_email(reason: str) -> InvalidEmailError:
    return InvalidEmailError(
        f"not an email address the operator accepts: {reason} ({_EMAIL_EXAMPLE})"
    )


def normalize_email(raw: str) -> str:
    """Normalise an email address the way the operator does, or raise InvalidEmailError.

    Single pass, as ``InputUtil.normalizeEmailString``: the only validation is one ``@`` with
    something on both sides; inner spaces, for example, are kept.
    """
    local: list[str] = []
    local_gmail: list[str] = []  # without dots and without the +extension
    domain: list[str] = []
    pending_spaces: list[str] = []
    started = False
    in_domain = False
    in_extension = False
    for given in raw:
        c = chr(ord(given) + 32) if "A" <= given <= "Z" else given
        if not started:
            if c == " ":
                continue
            started = True
        if not in_domain:
            if c == "@":
                in_domain = True
            elif c == ".":
                local.append(c)
            elif c == "+":
                local.append(c)
                in_extension = True
            else:
                local.append(c)
                if not in_extension:
                    local_gmail.append(c)
        elif c == "@":
            raise _invalid_email("it has more than one '@'")
        elif c == " ":
            pending_spaces.append(c)
        else:
            domain.extend(pending_spaces)
            pending_spaces.clear()
            domain.append(c)
    if not in_domain:
        raise _invalid_email("it has no '@'")
    if not domain:
        raise _invalid_email("nothing follows the '@'")
    domain_text = "".join(domain)
    if domain_text == GMAIL_DOMAIN:
        if not local_gmail:
            raise _invalid_email(
                "for gmail.com dots and everything after '+' are ignored, and nothing is left "
                "before the '@'"
            )
        address = "".join(local_gmail)
    else:
        if not local:
            raise _invalid_email("nothing comes before the '@'")
        address = "".join(local)
    normalized = f"{address}@{domain_text}"
    _utf8(normalized, InvalidEmailError)
    return normalized


def _phone_problem(raw: str) -> str:
    if not raw:
        return "nothing was entered"
    if any(c in _PHONE_SEPARATORS for c in raw):
        return "remove spaces, dashes, dots and brackets"
    if not raw.startswith("+"):
        return "it must start with + and the country code"
    if not all("0" <= c <= "9" for c in raw[1:]):
        return "only the digits 0–9 may follow the +"
    return f"this one has {len(raw) - 1} digits"


def normalize_phone(raw: str) -> str:
    """Return ``raw`` if it is E.164 (``+`` then 10-15 ASCII digits), else raise.

    Nothing is stripped or reformatted: the operator does not normalise phone numbers.
    """
    if _E164.fullmatch(raw) is None:
        raise InvalidPhoneError(f"{_PHONE_RULE}; {_phone_problem(raw)}")
    return raw


def _utf8(text: str, error: type[InputError]) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise error(
            "the text contains characters that cannot be encoded as UTF-8 (lone surrogates); "
            "retype it instead of pasting"
        ) from None


def hash_identifier(normalized: str) -> str:
    """base64 (44 characters) of SHA-256 of the UTF-8 of an already normalised DII."""
    digest = hashlib.sha256(_utf8(normalized, InputError)).digest()
    return base64.b64encode(digest).decode("ascii")


def normalize_hash(raw: str) -> str:
    """Accept a SHA-256 as 44-character standard base64 or 64 hex digits; return the base64.

    Nothing is trimmed, as on the operator; raises :class:`InvalidHashError` otherwise.
    """
    if len(raw) == HASH_HEX_LENGTH and _HEX64.fullmatch(raw):
        return base64.b64encode(bytes.fromhex(raw)).decode("ascii")
    if len(raw) == HASH_B64_LENGTH and raw.isascii():
        try:
            digest = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            digest = b""
        if len(digest) == HASH_BYTES:
            return base64.b64encode(digest).decode("ascii")
    problem = (
        "does not decode to 32 bytes"
        if len(raw) in (HASH_B64_LENGTH, HASH_HEX_LENGTH)
        else f"has {len(raw)} characters"
    )
    raise InvalidHashError(
        "a hash must be the SHA-256 of the normalised DII as 44 characters of standard base64 "
        "(e.g. tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=) or 64 hex digits; "
        f"this one {problem}"
    )


@dataclass(frozen=True)
class Dii:
    """A directly identifying input, checked and ready to send.

    Attributes:
        kind: how it was entered (raw email/phone or a hash of one).
        entered: the text as typed.
        normalized: the normalised email/phone; ``None`` for hashes.
        hash_b64: base64 SHA-256 of the normalised DII (44 characters).
        identity_type: email or phone.
    """

    kind: DiiKind
    entered: str
    normalized: str | None
    hash_b64: str
    identity_type: IdentityType

    def request_field(self, *, send_raw: bool = False) -> tuple[str, str]:
        """The request JSON field and value, e.g. ``("email_hash", "tMmi…=")``.

        ``send_raw`` sends the normalised email/phone itself (``("email", …)``), as the SDKs'
        ``do_not_hash()``; it has no effect on DII entered as a hash.
        """
        if send_raw and self.normalized is not None:
            return str(self.kind), self.normalized
        return str(self.kind.hash_kind), self.sent_hash

    @property
    def sent_hash(self) -> str:
        """The hash as it goes on the wire: a base64 hash exactly as typed, never re-encoded.

        Base64 whose unused final bits are not zero (``zzz…z=``) decodes to the same 32 bytes
        as its canonical form; the operator judges what it receives, so the desk sends what
        the user typed. 64 hex digits are converted to base64 (the panel says so).
        """
        if self.kind.is_hash and len(self.entered) == HASH_B64_LENGTH:
            return self.entered
        return self.hash_b64


def parse_dii(kind: DiiKind, raw: str) -> Dii:
    """Check and normalise ``raw`` as ``kind``; raise the matching InputError subclass."""
    normalized: str | None
    if kind is DiiKind.EMAIL:
        normalized = normalize_email(raw)
        hash_b64 = hash_identifier(normalized)
    elif kind is DiiKind.PHONE:
        normalized = normalize_phone(raw)
        hash_b64 = hash_identifier(normalized)
    else:
        normalized = None
        hash_b64 = normalize_hash(raw)
    return Dii(kind, raw, normalized, hash_b64, kind.identity_type)
