"""Salts: how the same DII always maps to the same raw UID on this operator.

Following the operator (uid2-protocol.md §5.4): first-level hash =
SHA-256(base64(identity hash) ‖ first-level salt); raw UID = SHA-256(base64(first-level hash)
‖ rotating salt of the hash's bucket), prefixed with the v3 metadata byte
(``scope << 4 | type << 2``) to make the 33-byte form today's SDKs see. The salts are drawn
once per data directory and stored, so raw UIDs survive restarts.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.tokens import IdentityScope, IdentityType

BUCKET_COUNT = 256
_FIRST_LEVEL_SALT = "first_level_salt"


def _new_salt() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class SaltTable:
    """The first-level salt and the per-bucket rotating salts of one data directory."""

    def __init__(self, first_level_salt: str, bucket_salts: list[str]) -> None:
        self._first_level_salt = first_level_salt
        self._bucket_salts = tuple(bucket_salts)

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
            buckets = dict(conn.execute("SELECT id, salt FROM salt_buckets").fetchall())
            for bucket in range(BUCKET_COUNT):
                if bucket not in buckets:
                    buckets[bucket] = _new_salt()
                    conn.execute(
                        "INSERT INTO salt_buckets (id, salt, last_updated_ms) VALUES (?, ?, ?)",
                        (bucket, buckets[bucket], now_ms),
                    )
        return cls(first, [str(buckets[b]) for b in range(BUCKET_COUNT)])

    def first_level_hash(self, identity_hash_b64: str) -> bytes:
        """The 32-byte first-level hash of a DII's base64 SHA-256."""
        return hashlib.sha256((identity_hash_b64 + self._first_level_salt).encode()).digest()

    def bucket_of(self, first_level_hash: bytes) -> int:
        """The salt bucket a first-level hash falls into."""
        return int.from_bytes(first_level_hash[:4], "big") % len(self._bucket_salts)

    def raw_uid(
        self, first_level_hash: bytes, identity_type: IdentityType, scope: IdentityScope
    ) -> bytes:
        """The 33-byte raw UID of a first-level hash."""
        salt = self._bucket_salts[self.bucket_of(first_level_hash)]
        digest = hashlib.sha256(
            (base64.b64encode(first_level_hash).decode("ascii") + salt).encode()
        ).digest()
        return bytes([(int(scope) << 4) | (int(identity_type) << 2)]) + digest
