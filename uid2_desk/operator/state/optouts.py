"""Opt-outs with their time, as the operator's opt-out store keeps them.

An opt-out is keyed by the DII's first-level hash (what a refresh token carries) and also
indexed by the raw UID it maps to (what ``/v2/optout/status`` is asked about). Generating for
an opted-out DII answers ``optout``; so does refreshing any of its tokens, whenever the
identity was established (``UIDOperatorService`` compares no times; uid2-protocol.md §3.2).
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from types import MappingProxyType

from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.tokens import IdentityType

_V3_RAW_UID_BYTES = 33


@dataclass(frozen=True)
class StoredOptOut:
    """One opt-out as the operator's store keeps it (not the client's
    :class:`~uid2_desk.client.results.OptOutRecord`, an entry of a ``/v2/optout/status`` reply).

    Attributes:
        advertising_id: base64 raw UID of the DII at the time of the opt-out.
        identity_type: email or phone.
        optout_ms: when it was recorded (operator clock, epoch ms).
    """

    advertising_id: str
    identity_type: IdentityType
    optout_ms: int


def _v2_raw_uid(advertising_id: str) -> str:
    """The raw UID of a data directory written before raw UIDs became v2 (32 bytes).

    Those stored 33 bytes: a metadata byte in front of the same SHA-256, which is dropped.
    """
    raw = base64.b64decode(advertising_id)
    if len(raw) != _V3_RAW_UID_BYTES:
        return advertising_id
    return base64.b64encode(raw[1:]).decode("ascii")


class OptOutRegistry:
    """Opt-outs in SQLite, mirrored in memory for the request path."""

    def __init__(self, store: OperatorStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        by_hash: dict[bytes, StoredOptOut] = {}
        rows = store.query(
            "SELECT first_level_hash, advertising_id, identity_type, optout_ms FROM optouts"
        )
        upgraded = []
        for flh, adv, kind, when in rows:
            advertising_id = _v2_raw_uid(str(adv))
            if advertising_id != adv:
                upgraded.append((advertising_id, flh))
            by_hash[base64.b64decode(flh)] = StoredOptOut(
                advertising_id, IdentityType(kind), int(when)
            )
        if upgraded:
            with store.transaction() as conn:
                conn.executemany(
                    "UPDATE optouts SET advertising_id = ? WHERE first_level_hash = ?", upgraded
                )
        self._publish(by_hash)

    def _publish(self, by_hash: dict[bytes, StoredOptOut]) -> None:
        # Replace both views at once; readers never see a half-updated registry.
        self._by_hash = MappingProxyType(by_hash)
        self._by_advertising_id = MappingProxyType({r.advertising_id: r for r in by_hash.values()})

    def record(
        self,
        first_level_hash: bytes,
        advertising_id: str,
        identity_type: IdentityType,
        now_ms: int,
    ) -> StoredOptOut:
        """Record (or renew) an opt-out at ``now_ms``."""
        record = StoredOptOut(advertising_id, identity_type, now_ms)
        with self._lock:
            with self._store.transaction() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO optouts (first_level_hash, advertising_id, "
                    "identity_type, optout_ms) VALUES (?, ?, ?, ?)",
                    (
                        base64.b64encode(first_level_hash).decode("ascii"),
                        advertising_id,
                        int(identity_type),
                        now_ms,
                    ),
                )
            self._publish({**self._by_hash, first_level_hash: record})
        return record

    def for_first_level_hash(self, first_level_hash: bytes) -> StoredOptOut | None:
        """The opt-out of this DII, if any."""
        return self._by_hash.get(first_level_hash)

    def for_advertising_id(self, advertising_id: str) -> StoredOptOut | None:
        """The opt-out of the DII that maps to this raw UID, if any."""
        return self._by_advertising_id.get(advertising_id)

    def all(self) -> list[StoredOptOut]:
        """Every opt-out, oldest first."""
        return sorted(self._by_hash.values(), key=lambda r: r.optout_ms)
