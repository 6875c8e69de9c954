"""Salts: how the same DII always maps to the same raw UID on this operator.

Following the operator (uid2-protocol.md §5.4, ``TokenUtils``): first-level hash =
SHA-256(base64(identity hash) ‖ first-level salt); raw UID = SHA-256(base64(first-level hash)
‖ rotating salt of the hash's bucket), the 32-byte **v2** raw UID.

Why v2: ``UIDOperatorService.getAdvertisingId`` picks the layout per salt bucket. A bucket
with a classic salt gives v2, or v3 (a metadata byte in front, 33 bytes) only with the
operator's ``identity_v3`` on, which is false in every shipped config; a bucket holding key
material gives the 33-byte v4 raw UID. Buckets only get key material when uid2-admin's salt
rotation runs with ``enable_v4_raw_uid``, off by default. So the default configuration
makes v2 raw UIDs, and so do we. The salts are drawn once per data directory and stored,
with the time each bucket was last updated (what ``/v2/identity/buckets`` reports), so raw
UIDs survive restarts.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from uid2_desk.operator.state.store import OperatorStore

BUCKET_COUNT = 256
_FIRST_LEVEL_SALT = "first_level_salt"


def _new_salt() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class SaltTable:
    """The first-level salt and the per-bucket rotating salts of one data directory."""

    def __init__(
        self, first_level_salt: str, bucket_salts: list[str], last_updated_ms: list[int]
    ) -> None:
        self._first_level_salt = first_level_salt
        self._bucket_salts = tuple(bucket_salts)
        self.last_updated_ms = tuple(last_updated_ms)

    @classmethod
    def load_or_create(cls, store: OperatorStore, now_ms: int) -> SaltTable:
        """Read the salts, drawing any that is missing."""
        with store.transaction() as conn:
            row = conn.execute(
                "SELECT value FROM meta WHERE name = ?", (_FIRST_LEVEL_SALT,)
            ).fetchone()
            if row is None:
                first = _new_salt()
                conn.execute(
                    "INSERT INTO meta (name, value) VALUES (?, ?)", (_FIRST_LEVEL_SALT, first)
                )
            else:
                first = str(row[0])
            rows = conn.execute("SELECT id, salt, last_updated_ms FROM salt_buckets")
            buckets = {int(i): (str(salt), int(updated)) for i, salt, updated in rows}
            for bucket in range(BUCKET_COUNT):
                if bucket not in buckets:
                    buckets[bucket] = (_new_salt(), now_ms)
                    conn.execute(
                        "INSERT INTO salt_buckets (id, salt, last_updated_ms) VALUES (?, ?, ?)",
                        (bucket, buckets[bucket][0], now_ms),
                    )
        ordered = [buckets[b] for b in range(BUCKET_COUNT)]
        return cls(first, [salt for salt, _ in ordered], [updated for _, updated in ordered])

    def first_level_hash(self, identity_hash_b64: str) -> bytes:
        """The 32-byte first-level hash of a DII's base64 SHA-256."""
        return hashlib.sha256((identity_hash_b64 + self._first_level_salt).encode()).digest()

    def bucket_of(self, first_level_hash: bytes) -> int:
        """The salt bucket a first-level hash falls into."""
        return int.from_bytes(first_level_hash[:4], "big") % len(self._bucket_salts)

    def raw_uid(self, first_level_hash: bytes) -> bytes:
        """The 32-byte v2 raw UID of a first-level hash (``TokenUtils.getAdvertisingIdV2``)."""
        salt = self._bucket_salts[self.bucket_of(first_level_hash)]
        return hashlib.sha256(
            (base64.b64encode(first_level_hash).decode("ascii") + salt).encode()
        ).digest()
