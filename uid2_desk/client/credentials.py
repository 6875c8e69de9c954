"""API key and client secret: the :class:`Credentials` value object and masking.

:class:`Credentials` validates on construction and never shows its secret or its full key
(``repr``, ``str``, logs); :func:`mask_api_key` and :func:`mask_authorization` give the forms
that may be shown and recorded. Where credentials are kept (the OS keychain, this session's
memory, environment variables) is :mod:`uid2_desk.client.credential_stores`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from uid2_desk.protocol.errors import CredentialsError

SECRET_LENGTH = 32
_KEY_PREFIX = re.compile(r"^(?:UID2|EUID)-[A-Z]-[A-Z]-(?:\d{1,6}-)?")
#: Never show more than this many characters of an API key.
_MAX_SHOWN = 16
#: Keys shorter than this show no prefix at all.
_MIN_TO_SHOW = 12


def mask_api_key(api_key: str) -> str:
    """Keep a short recognisable prefix of an API key and hide the rest.

    ``UID2-C-L-999-fCXrMM.fsR3…`` becomes ``UID2-C-L-999-***``: the key type, environment
    letter and key id (none of them secret) identify which key was used, and nothing that
    could authenticate is left. Keys of another shape keep at most 4 characters.
    """
    match = _KEY_PREFIX.match(api_key)
    shown = match.group(0) if match else api_key[:4]
    # A short key must still be mostly hidden; a tiny one is hidden entirely.
    shown = shown[: min(_MAX_SHOWN, len(api_key) // 3)] if len(api_key) >= _MIN_TO_SHOW else ""
    return f"{shown}***"


def mask_authorization(value: str) -> str:
    """Mask the credential in an ``Authorization`` header value (``Bearer <key>``)."""
    scheme, _, token = value.partition(" ")
    if not token:
        return mask_api_key(value)
    return f"{scheme} {mask_api_key(token.strip())}"


def decode_secret(secret: str) -> bytes:
    """Decode a client secret (base64 of 32 bytes) or raise a message saying what is wrong.

    The message never quotes the secret itself.
    """
    text = secret.strip()
    if not text:
        raise CredentialsError("The client secret is empty. Paste the secret from the UID2 portal.")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CredentialsError(
            "The client secret is not valid base64. It should be 44 characters of A-Z, a-z, "
            "0-9, '+' and '/' ending in '='; copy it again from the UID2 portal "
            "(the API key is the other value, starting 'UID2-C-')."
        ) from None
    if len(raw) != SECRET_LENGTH:
        raise CredentialsError(
            f"The client secret decodes to {len(raw)} bytes, but a UID2 secret is base64 of "
            f"{SECRET_LENGTH} bytes (44 characters ending in '='). Check that the whole value "
            "was copied."
        )
    return raw


@dataclass(frozen=True)
class Credentials:
    """An API key and client secret pair, checked on construction.

    ``repr``/``str`` show only the masked key, never the secret.

    Attributes:
        api_key: the bearer key, e.g. ``UID2-C-L-999-...``.
        secret: the client secret, base64 of 32 bytes.
    """

    api_key: str = field(repr=False)
    secret: str = field(repr=False)

    def __post_init__(self) -> None:
        key = self.api_key.strip()
        if not key:
            raise CredentialsError("The API key is empty. Paste the key from the UID2 portal.")
        if any(ch.isspace() for ch in key) or not key.isascii():
            raise CredentialsError(
                "The API key contains spaces or non-ASCII characters; copy it again, "
                "without surrounding text."
            )
        object.__setattr__(self, "api_key", key)
        object.__setattr__(self, "secret", self.secret.strip())
        decode_secret(self.secret)

    @property
    def secret_bytes(self) -> bytes:
        """The 32-byte AES key for the request/response envelope."""
        return decode_secret(self.secret)

    @property
    def masked_key(self) -> str:
        """The API key with all but a short prefix hidden."""
        return mask_api_key(self.api_key)

    def __repr__(self) -> str:
        return f"Credentials(api_key={self.masked_key!r}, secret='***')"

    __str__ = __repr__
