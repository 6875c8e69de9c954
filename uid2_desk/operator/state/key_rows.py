"""The key ring's storage helpers: its immutable snapshot, rows of the ``keys`` table, ids.

Split from :mod:`uid2_desk.operator.state.keys`, which decides which key encrypts what.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from types import MappingProxyType

from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.tokens import Key

#: Key ids reserved at a time.
ID_BLOCK = 32
#: The ``meta`` row holding the next key id no operator has reserved yet.
META_NEXT_KEY_ID = "next_key_id"
INSERT_KEY = (
    "INSERT INTO keys (id, keyset_id, site_id, secret, created_s, activates_s, expires_s) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class Snapshot:
    """Every key by id and by keyset, and each site's keyset; replaced whole, never changed."""

    by_id: MappingProxyType[int, Key]
    by_keyset: MappingProxyType[int, tuple[Key, ...]]
    keyset_by_site: MappingProxyType[int, int]


def snapshot(keys: list[Key], keyset_by_site: dict[int, int]) -> Snapshot:
    by_keyset: dict[int, list[Key]] = {}
    for key in keys:
        assert key.keyset_id is not None
        by_keyset.setdefault(key.keyset_id, []).append(key)
    return Snapshot(
        by_id=MappingProxyType({k.id: k for k in keys}),
        by_keyset=MappingProxyType(
            {
                ks: tuple(sorted(group, key=lambda k: (k.activates_s, k.id)))
                for ks, group in by_keyset.items()
            }
        ),
        keyset_by_site=MappingProxyType(dict(keyset_by_site)),
    )


def reserve_ids(conn: sqlite3.Connection) -> list[int]:
    """Take the next block of key ids for this operator, inside the caller's transaction."""
    row = conn.execute("SELECT value FROM meta WHERE name = ?", (META_NEXT_KEY_ID,)).fetchone()
    (max_id,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM keys").fetchone()
    start = max(int(row[0]) if row else 1, int(max_id) + 1)
    conn.execute(
        "INSERT INTO meta (name, value) VALUES (?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (META_NEXT_KEY_ID, str(start + ID_BLOCK)),
    )
    return list(range(start, start + ID_BLOCK))


def key_row(key: Key) -> tuple[object, ...]:
    """The ``keys`` table's columns for one key, in :data:`INSERT_KEY`'s order."""
    return (
        key.id,
        key.keyset_id,
        key.site_id,
        key.secret,
        key.created_s,
        key.activates_s,
        key.expires_s,
    )


def load_snapshot(store: OperatorStore) -> Snapshot:
    """Every keyset and key saved in ``store``."""
    keysets = {int(site): int(ks) for ks, site in store.query("SELECT id, site_id FROM keysets")}
    keys = [
        Key(
            id=int(kid),
            secret=bytes(secret),
            keyset_id=int(keyset_id),
            site_id=int(site_id),
            created_s=int(created),
            activates_s=int(activates),
            expires_s=int(expires),
        )
        for kid, keyset_id, site_id, secret, created, activates, expires in store.query(
            "SELECT id, keyset_id, site_id, secret, created_s, activates_s, expires_s FROM keys"
        )
    ]
    return snapshot(keys, keysets)


def coverage(snap: Snapshot, plans: list[tuple[int, int, int]]) -> tuple[int, int]:
    """The window (epoch ms, both ends included) in which every planned keyset has a key.

    ``plans`` are ``(keyset_id, site_id, needed_s)``: a key may sign while it is active and
    outlives what it signs by ``needed_s``. A window, not the exact set: inside it a gap
    between a keyset's keys can still leave a moment uncovered (the caller then just makes
    the key), but outside it no moment is covered.
    """
    start_ms, end_ms = 0, 1 << 62
    for keyset_id, _, needed_s in plans:
        keys = snap.by_keyset.get(keyset_id, ())
        if not keys:
            return 0, -1
        start_ms = max(start_ms, min(key.activates_s for key in keys) * 1000)
        end_ms = min(end_ms, (max(key.expires_s for key in keys) - needed_s) * 1000)
    return start_ms, end_ms
