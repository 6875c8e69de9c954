"""The operator's keys: master, refresh and one keyset per site, with created/activates/expires.

Tokens are encrypted with the newest key of a keyset that is active now *and* outlives what
it encrypts (identity lifetime for master and site keys, refresh lifetime for refresh keys);
when no such key exists one is made, so tokens issued now can always be decrypted until they
expire. :meth:`KeyRing.rotate` adds a fresh key to every keyset: new tokens use it, old tokens
keep decrypting with the old keys until those expire (uid2-protocol.md §6.1).

Reads come from an in-memory snapshot replaced as a whole on every change, so request
handlers do not wait for the database. Ids are reserved in the database beforehand, so
operators sharing a data directory never pick the same one.

Successors ahead of need. The background writer calls :meth:`KeyRing.prepare` with the
operator's clock: every keyset whose keys will be too short-lived within :data:`AHEAD_S` gets
its successor now, saved *before* it is published, so as the clock runs requests never make
a key. A jump of the clock (a time warp) past every prepared key is caught before the request
is handled: :meth:`KeyRing.covers` says no, and the HTTP layer runs :meth:`KeyRing.prepare`
off the serving thread first (a key made on the request path would live only in memory until
the next flush, and a kill in that second would leave the tokens it signed unrefreshable).
Only when the database is held by another writer too long does a request make a key in
memory, as a last resort the writer then saves.
"""

from __future__ import annotations

import secrets
import threading

from uid2_desk.operator.state.key_rows import (
    INSERT_KEY,
    Snapshot,
    coverage,
    key_row,
    load_snapshot,
    reserve_ids,
    snapshot,
)
from uid2_desk.operator.state.lifetimes import DAY_S, Lifetimes
from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.errors import OperatorStateError
from uid2_desk.protocol.tokens import Key

MASTER_KEYSET_ID = -1
REFRESH_KEYSET_ID = -2
#: What SDKs are told the master keyset is (the operator's MASTER_KEYSET_ID_FOR_SDKS).
MASTER_KEYSET_ID_FOR_SDKS = 9_999_999
MASTER_SITE_ID = -1
REFRESH_SITE_ID = -2
#: Site keysets are numbered from here (1 and 2 are the operator's own reserved ids).
FIRST_SITE_KEYSET_ID = 3
#: How long a key stays usable beyond the tokens it must outlive.
KEY_ROTATION_PERIOD_S = 30 * DAY_S
_KEY_BYTES = 32
#: How far ahead the writer makes successor keys (see the module docstring).
AHEAD_S = DAY_S
#: The stock of reserved key ids below which a flush reserves more.
_ID_LOW_WATER = 8


class NoActiveKeyError(OperatorStateError):
    """No key can encrypt for this site; the operator answers 500 ``unknown``."""


class KeyRing:
    """All keys of the operator, their selection for encryption, creation and rotation."""

    def __init__(self, store: OperatorStore, lifetimes: Lifetimes) -> None:
        self._store = store
        self._lifetimes = lifetimes
        # Guards the snapshot, the unsaved keys and the reserved ids; never held over SQL.
        self._write_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._unsaved: list[Key] = []
        self._free_ids: list[int] = []
        self._snap = self._load()
        #: The snapshot :meth:`covers` last worked out, and its window (epoch ms).
        self._coverage: tuple[Snapshot | None, int, int] = (None, 0, -1)

    @classmethod
    def open(
        cls, store: OperatorStore, lifetimes: Lifetimes, site_ids: list[int], now_ms: int
    ) -> KeyRing:
        """Load the keys, give every site a keyset, and make sure each keyset has a key."""
        ring = cls(store, lifetimes)
        ring._ensure_keysets(site_ids)
        ring.flush()  # reserves the first ids
        ring.master_key(now_ms)
        ring.refresh_key(now_ms)
        for site_id in site_ids:
            ring.site_key(site_id, now_ms)
        ring.flush()
        return ring

    # -- lookups (hot path, lock-free) ---------------------------------------------------

    def lookup(self, key_id: int) -> Key | None:
        """Any key by id, refresh keys included (a ``KeyLookup`` for the token codec)."""
        return self._snap.by_id.get(key_id)

    def keyset_for_site(self, site_id: int) -> int | None:
        """The keyset id of a site, if it has one."""
        return self._snap.keyset_by_site.get(site_id)

    def master_key(self, now_ms: int) -> Key:
        """The master key that encrypts advertising tokens issued now."""
        return self._active(MASTER_KEYSET_ID, MASTER_SITE_ID, self._lifetimes.identity_s, now_ms)

    def refresh_key(self, now_ms: int) -> Key:
        """The refresh key that encrypts refresh tokens issued now."""
        return self._active(REFRESH_KEYSET_ID, REFRESH_SITE_ID, self._lifetimes.refresh_s, now_ms)

    def site_key(self, site_id: int, now_ms: int) -> Key:
        """The key of ``site_id``'s keyset for tokens issued now."""
        keyset_id = self._snap.keyset_by_site.get(site_id)
        if keyset_id is None:
            raise NoActiveKeyError(f"site {site_id} has no keyset on this operator")
        return self._active(keyset_id, site_id, self._lifetimes.identity_s, now_ms)

    def published_keys(self, now_ms: int) -> list[Key]:
        """Master and site keys that have not expired, oldest activation first."""
        now_s = now_ms // 1000
        return sorted(
            (
                k
                for k in self._snap.by_id.values()
                if k.keyset_id != REFRESH_KEYSET_ID and k.expires_s > now_s
            ),
            key=lambda k: (k.activates_s, k.id),
        )

    def all_keys(self) -> list[Key]:
        """Every key, refresh keys included, by id."""
        return sorted(self._snap.by_id.values(), key=lambda k: k.id)

    # -- changes -------------------------------------------------------------------------

    def rotate(self, now_ms: int) -> list[Key]:
        """Add a new key, active now, to every keyset; return the new keys (saved)."""
        with self._write_lock:
            created = self._add(self._keyset_plans(self._snap), now_ms)
        self.flush()
        return created

    def flush(self) -> None:
        """Save the keys made since the last flush, and reserve ids when few are left.

        Called by the operator's background writer, after a rotation, and on close; never
        from a request. On failure the keys stay queued for the next flush.
        """
        with self._flush_lock:
            with self._write_lock:
                batch, self._unsaved = self._unsaved, []
                reserve = len(self._free_ids) < _ID_LOW_WATER
            if not batch and not reserve:
                return
            try:
                with self._store.transaction() as conn:
                    conn.executemany(INSERT_KEY, [key_row(key) for key in batch])
                    reserved = reserve_ids(conn) if reserve else []
            except BaseException:
                with self._write_lock:
                    self._unsaved[:0] = batch
                raise
            with self._write_lock:
                self._free_ids.extend(reserved)

    def prepare(self, now_ms: int) -> list[Key]:
        """Make, save and only then publish the successors needed within :data:`AHEAD_S`.

        Called by the operator's background writer; returns the keys made. On failure nothing
        is published (the ids taken are simply never used).
        """
        with self._flush_lock:
            snap = self._snap
            ahead_ms = now_ms + AHEAD_S * 1000
            plans = [
                (keyset_id, site_id, needed_s)
                for keyset_id, site_id, needed_s in self._keyset_plans(snap)
                if self._pick(snap, keyset_id, needed_s, ahead_ms) is None
            ]
            if not plans:
                return []
            with self._write_lock:
                created = self._make(plans, now_ms)
                reserve = len(self._free_ids) < _ID_LOW_WATER
            with self._store.transaction() as conn:
                conn.executemany(INSERT_KEY, [key_row(key) for key in created])
                reserved = reserve_ids(conn) if reserve else []
            with self._write_lock:
                self._free_ids.extend(reserved)
                now = self._snap
                self._snap = snapshot([*now.by_id.values(), *created], dict(now.keyset_by_site))
            return created

    def _keyset_plans(self, snap: Snapshot) -> list[tuple[int, int, int]]:
        plans = [(MASTER_KEYSET_ID, MASTER_SITE_ID, self._lifetimes.identity_s)]
        plans.append((REFRESH_KEYSET_ID, REFRESH_SITE_ID, self._lifetimes.refresh_s))
        plans.extend(
            (keyset_id, site_id, self._lifetimes.identity_s)
            for site_id, keyset_id in sorted(snap.keyset_by_site.items())
        )
        return plans

    def covers(self, now_ms: int) -> bool:
        """Whether every keyset has a key that may sign at ``now_ms`` (none to make).

        One comparison on the request path: the window is worked out once per snapshot. It
        errs on the safe side: a gap between keys only means :meth:`prepare` runs for
        nothing.
        """
        snap, start_ms, end_ms = self._coverage
        if snap is not self._snap:
            snap = self._snap
            start_ms, end_ms = coverage(snap, self._keyset_plans(snap))
            self._coverage = (snap, start_ms, end_ms)  # one assignment: read whole by others
        return start_ms <= now_ms <= end_ms

    def _active(self, keyset_id: int, site_id: int, needed_s: int, now_ms: int) -> Key:
        key = self._pick(self._snap, keyset_id, needed_s, now_ms)
        if key is not None:
            return key
        with self._write_lock:
            # Another thread may have made one while we waited.
            key = self._pick(self._snap, keyset_id, needed_s, now_ms)
            if key is not None:
                # Not reached in tests: only two requests racing for the same new key get
                # here, and forcing that order would mean patching the lock.
                return key
            return self._add([(keyset_id, site_id, needed_s)], now_ms)[0]

    @staticmethod
    def _pick(snap: Snapshot, keyset_id: int, needed_s: int, now_ms: int) -> Key | None:
        now_s = now_ms // 1000
        # Tokens made now must stay decryptable until they expire (seconds rounded up).
        must_outlive_s = -(-(now_ms + needed_s * 1000) // 1000)
        for key in reversed(snap.by_keyset.get(keyset_id, ())):
            if key.activates_s <= now_s < key.expires_s and key.expires_s >= must_outlive_s:
                return key
        return None

    def _add(self, plans: list[tuple[int, int, int]], now_ms: int) -> list[Key]:
        """Make keys in memory, queued for :meth:`flush` (call with ``_write_lock`` held)."""
        snap = self._snap
        created = self._make(plans, now_ms)
        self._snap = snapshot([*snap.by_id.values(), *created], dict(snap.keyset_by_site))
        self._unsaved.extend(created)
        return created

    def _make(self, plans: list[tuple[int, int, int]], now_ms: int) -> list[Key]:
        """New keys, neither published nor queued (call with ``_write_lock`` held)."""
        now_s = now_ms // 1000
        snap = self._snap
        return [
            Key(
                id=self._next_id(snap),
                secret=secrets.token_bytes(_KEY_BYTES),
                keyset_id=keyset_id,
                site_id=site_id,
                created_s=now_s,
                activates_s=now_s,
                expires_s=now_s + 1 + needed_s + KEY_ROTATION_PERIOD_S,
            )
            for keyset_id, site_id, needed_s in plans
        ]

    def _next_id(self, snap: Snapshot) -> int:
        if self._free_ids:
            return self._free_ids.pop(0)
        # Only if more keys were needed between two flushes than a block holds: unique
        # here, though another operator on the same data directory could take it too.
        taken = [*snap.by_id, *(k.id for k in self._unsaved)]
        return max(taken, default=0) + 1

    def _ensure_keysets(self, site_ids: list[int]) -> None:
        """Give every site a keyset (from :meth:`open` only, before anyone else sees us)."""
        missing = [s for s in site_ids if s not in self._snap.keyset_by_site]
        if not missing:
            return
        with self._store.transaction() as conn:
            (max_id,) = conn.execute(
                "SELECT COALESCE(MAX(id), ?) FROM keysets", (FIRST_SITE_KEYSET_ID - 1,)
            ).fetchone()
            for offset, site_id in enumerate(missing, start=1):
                conn.execute(
                    "INSERT INTO keysets (id, site_id) VALUES (?, ?)",
                    (int(max_id) + offset, site_id),
                )
        self._snap = self._load()

    def _load(self) -> Snapshot:
        return load_snapshot(self._store)
