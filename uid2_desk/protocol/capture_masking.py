"""Masking in captures: an API key shown by its prefix, secret-named JSON fields replaced.

Shared by every capturer (the local operator and the proxy), so a capture never carries an
API key, a client secret or a ``refresh_response_key`` whichever side of the wire built it.
"""

from __future__ import annotations

import functools
from typing import Any

MASKED = "[masked]"
#: How much of an API key a capture shows (``UID2-C-L-999-`` and no more).
VISIBLE_KEY_CHARS = 13
#: Substrings of a JSON field name (lower case, ``_`` removed) whose value is a secret.
_SECRET_PARTS = ("secret", "responsekey", "privatekey", "apikey")


def mask_key(api_key: str) -> str:
    """An API key as captures show it: its readable prefix, then an ellipsis."""
    return api_key[:VISIBLE_KEY_CHARS] + "…" if api_key else ""


def masked_authorization(value: str) -> str:
    """An ``Authorization`` header value with its bearer key masked."""
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return f"{scheme} {mask_key(rest.strip())}"
    return MASKED if value else value


def bearer(value: str) -> str:
    """The key of a ``Bearer`` ``Authorization`` value, or ``""``."""
    scheme, _, rest = value.partition(" ")
    return rest.strip() if scheme.lower() == "bearer" else ""


def mask_secrets(value: Any) -> Any:
    """A copy of a JSON value with every secret-named field's value replaced by ``[masked]``."""
    if isinstance(value, dict):
        return {
            k: MASKED if _is_secret(k) and v is not None else mask_secrets(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


#: Longer names are judged every time: a client's odd JSON must not fill memory.
_REMEMBERED_NAME_LENGTH = 64


def _is_secret(name: str) -> bool:
    """Whether a field name denotes a secret; remembered per short name (a capture's replies
    repeat the same few field names, and masking asks about each field of each)."""
    if len(name) <= _REMEMBERED_NAME_LENGTH:
        return _is_secret_short_name(name)
    return _judged_secret(name)


@functools.lru_cache(maxsize=1024)
def _is_secret_short_name(name: str) -> bool:
    return _judged_secret(name)


def _judged_secret(name: str) -> bool:
    flat = name.lower().replace("_", "").replace("-", "")
    return any(part in flat for part in _SECRET_PARTS)
