"""Tokens (uid2-protocol.md §6): inspect any advertising token; the full v2/v3/v4 codec.

This module is the public face; the layouts live in ``tokens_*`` helpers. Everything is
pure: keys are passed in (a :data:`KeyLookup`), time is passed in (``now_ms``), IVs may be
pinned so vectors reproduce byte for byte.

- :func:`inspect_token` reads the clear header (version, scope, type, alphabet, master key).
- :func:`encrypt_advertising_token` / :func:`decrypt_advertising_token`: master layer then
  site layer; v4 base64url (what operators issue), v3 standard base64, v2 legacy CBC.
- :func:`encrypt_refresh_token` / :func:`decrypt_refresh_token`: the 168-character inner token.
- :func:`wrap_refresh_token` / :func:`unwrap_refresh_token`: the 388-character refresh token
  clients hold, carrying the ``refresh_response_key``.
"""

from __future__ import annotations

from uid2_desk.protocol.tokens_advertising import (
    decrypt_advertising_token,
    encrypt_advertising_token,
)
from uid2_desk.protocol.tokens_header import inspect_token
from uid2_desk.protocol.tokens_model import (
    AdvertisingTokenContents,
    IdentityScope,
    IdentityType,
    Key,
    KeyLookup,
    OperatorIdentity,
    PublisherIdentity,
    RefreshTokenContents,
    TokenHeader,
    TokenVersion,
    UnwrappedRefreshToken,
    key_lookup,
)
from uid2_desk.protocol.tokens_refresh import (
    INNER_REFRESH_TOKEN_LENGTH,
    REFRESH_TOKEN_WRAPPER_LENGTH,
    decrypt_refresh_token,
    encrypt_refresh_token,
    read_wrapper_header,
    unwrap_refresh_token,
    wrap_refresh_token,
)

__all__ = [
    "INNER_REFRESH_TOKEN_LENGTH",
    "REFRESH_TOKEN_WRAPPER_LENGTH",
    "AdvertisingTokenContents",
    "IdentityScope",
    "IdentityType",
    "Key",
    "KeyLookup",
    "OperatorIdentity",
    "PublisherIdentity",
    "RefreshTokenContents",
    "TokenHeader",
    "TokenVersion",
    "UnwrappedRefreshToken",
    "decrypt_advertising_token",
    "decrypt_refresh_token",
    "encrypt_advertising_token",
    "encrypt_refresh_token",
    "inspect_token",
    "key_lookup",
    "read_wrapper_header",
    "unwrap_refresh_token",
    "wrap_refresh_token",
]
