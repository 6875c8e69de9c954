"""The secrets the proxy may open envelopes with: client secrets by API key, refresh keys.

Client secrets come from the composition root (the keychain, ``UID2_API_KEY``/``UID2_SECRET``,
a credentials file). A ``refresh_response_key`` is learnt from a reply the proxy opened, kept
in memory only and for a bounded number of refresh tokens: the oldest is forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping

#: How many refresh tokens' keys the proxy remembers (about 1 KB each).
DEFAULT_REFRESH_KEYS = 10_000


class ClientSecrets:
    """Client secrets by API key; never printed (``repr`` shows only how many)."""

    def __init__(self, secrets: Mapping[str, bytes] | None = None) -> None:
        self._by_key = dict(secrets or {})

    def secret_of(self, api_key: str) -> bytes | None:
        """The secret of ``api_key``, if the proxy was given it."""
        return self._by_key.get(api_key)

    def __len__(self) -> int:
        return len(self._by_key)

    def __repr__(self) -> str:
        return f"ClientSecrets({len(self._by_key)} keys)"


class RefreshKeys:
    """``refresh_token → refresh_response_key`` for tokens issued through the proxy (bounded).

    Thread-safe; when full, the least recently issued or used token is forgotten.
    """

    def __init__(self, limit: int = DEFAULT_REFRESH_KEYS) -> None:
        self._keys: OrderedDict[str, bytes] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def learn(self, refresh_token: str, key: bytes) -> None:
        """Remember the key a reply gave for ``refresh_token``."""
        with self._lock:
            self._keys[refresh_token] = key
            self._keys.move_to_end(refresh_token)
            while len(self._keys) > self._limit:
                self._keys.popitem(last=False)

    def key_of(self, refresh_token: str) -> bytes | None:
        """The key for ``refresh_token``, if it was issued through the proxy and remembered."""
        with self._lock:
            key = self._keys.get(refresh_token)
            if key is not None:
                self._keys.move_to_end(refresh_token)
            return key

    def __len__(self) -> int:
        with self._lock:
            return len(self._keys)

    def __repr__(self) -> str:
        return f"RefreshKeys({len(self)} tokens)"
