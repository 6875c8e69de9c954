"""The CSTG key pair of a data directory, and the domain and app names of its site.

The first open of a data directory makes a P-256 key pair for the publisher's site with a
random subscription id (10 letters and digits, like ``4WvryDGbR5``) and the domain name
``localhost``; later opens read them back, so pages and apps configured once keep working.
The private key stays in the operator's database (mode 0600) and is never shown: only
:class:`CstgSettings` (subscription id, public key, names) leaves this module.

Reads come from an immutable snapshot replaced whole on every change, as for the keys.
"""

from __future__ import annotations

import dataclasses
import secrets
import string
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec

from uid2_desk.operator.state.cstg_origin import LOCALHOST, checked_app_name, checked_domain_name
from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.cstg_keys import (
    decode_private_key,
    encode_private_key,
    encode_public_key,
    new_private_key,
)

_SUBSCRIPTION_ALPHABET = string.ascii_letters + string.digits
_SUBSCRIPTION_LENGTH = 10
DOMAIN = "domain"
APP = "app"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cstg_keypairs (
    subscription_id TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL,
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cstg_site_names (
    site_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (site_id, kind, name)
);
"""


@dataclass(frozen=True)
class CstgKeypair:
    """A key pair as the handler needs it (the private key is hidden from ``repr``)."""

    subscription_id: str
    site_id: int
    public_key: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    disabled: bool


@dataclass(frozen=True)
class CstgSettings:
    """What a page or app needs to generate tokens here, and what it may be.

    Attributes:
        subscription_id: the key pair's id, sent in every request.
        server_public_key: ``UID2-X-L-…``, to seal the DII with.
        site_id: the site the tokens are issued for.
        domain_names: registrable domains pages may be on (sorted).
        app_names: app names apps may send (sorted).
        disabled: whether the key pair is disabled (requests get 401).
    """

    subscription_id: str
    server_public_key: str
    site_id: int
    domain_names: tuple[str, ...]
    app_names: tuple[str, ...]
    disabled: bool

    def to_json(self) -> dict[str, object]:
        """The credentials file's ``"cstg"`` section (none of it is secret)."""
        return {
            "subscription_id": self.subscription_id,
            "server_public_key": self.server_public_key,
            "domain_names": list(self.domain_names),
            "app_names": list(self.app_names),
        }


def _settings(pair: CstgKeypair, names: set[tuple[str, str]]) -> CstgSettings:
    return CstgSettings(
        subscription_id=pair.subscription_id,
        server_public_key=pair.public_key,
        site_id=pair.site_id,
        domain_names=tuple(sorted(n for k, n in names if k == DOMAIN)),
        app_names=tuple(sorted(n for k, n in names if k == APP)),
        disabled=pair.disabled,
    )


class CstgSites:
    """The CSTG key pair and site names of one operator (thread-safe)."""

    def __init__(self, store: OperatorStore, pair: CstgKeypair, names: set[tuple[str, str]]):
        self._store = store
        self._lock = threading.Lock()
        self._pair = pair
        self._settings = _settings(pair, names)

    @classmethod
    def load_or_create(cls, store: OperatorStore, site_id: int, now_ms: int) -> CstgSites:
        """Read the key pair of ``site_id`` and its names, creating them on first use."""
        with store.transaction() as conn:
            # One statement at a time: executescript would commit the open transaction.
            for statement in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(statement)
            row = conn.execute(
                "SELECT subscription_id, public_key, private_key, disabled FROM cstg_keypairs "
                "WHERE site_id = ? ORDER BY created_ms LIMIT 1",
                (site_id,),
            ).fetchone()
            if row is None:
                key = new_private_key()
                subscription = "".join(
                    secrets.choice(_SUBSCRIPTION_ALPHABET) for _ in range(_SUBSCRIPTION_LENGTH)
                )
                row = (subscription, encode_public_key(key.public_key()), "", 0)
                conn.execute(
                    "INSERT INTO cstg_keypairs (subscription_id, site_id, public_key, "
                    "private_key, created_ms) VALUES (?, ?, ?, ?, ?)",
                    (subscription, site_id, row[1], encode_private_key(key), now_ms),
                )
                conn.execute(
                    "INSERT INTO cstg_site_names (site_id, kind, name) VALUES (?, ?, ?)",
                    (site_id, DOMAIN, LOCALHOST),
                )
                private = key
            else:
                private = decode_private_key(row[2])
            names = conn.execute(
                "SELECT kind, name FROM cstg_site_names WHERE site_id = ?", (site_id,)
            ).fetchall()
        pair = CstgKeypair(row[0], site_id, row[1], private, bool(row[3]))
        return cls(store, pair, {(k, n) for k, n in names})

    @property
    def settings(self) -> CstgSettings:
        """The public side: subscription id, public key, names, disabled or not."""
        return self._settings

    def keypair(self, subscription_id: str | None) -> CstgKeypair | None:
        """The key pair a request names, if there is one."""
        pair = self._pair
        return pair if subscription_id == pair.subscription_id else None

    def names_of(self, site_id: int) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The domain names and app names of a site, if it has a key pair."""
        settings = self._settings
        if site_id != settings.site_id:
            return None
        return settings.domain_names, settings.app_names

    def add_names(self, domain_names: Iterable[str] = (), app_names: Iterable[str] = ()) -> None:
        """Allow more domains and apps (kept); :class:`InputError` names a bad one."""
        current = self._settings
        self.set_names((*current.domain_names, *domain_names), (*current.app_names, *app_names))

    def set_names(self, domain_names: Iterable[str], app_names: Iterable[str]) -> None:
        """Replace the site's domain and app names; :class:`InputError` names a bad one."""
        names = {(DOMAIN, checked_domain_name(n)) for n in domain_names}
        names |= {(APP, checked_app_name(n)) for n in app_names}
        with self._lock:
            site_id = self._pair.site_id
            with self._store.transaction() as conn:
                conn.execute("DELETE FROM cstg_site_names WHERE site_id = ?", (site_id,))
                conn.executemany(
                    "INSERT INTO cstg_site_names (site_id, kind, name) VALUES (?, ?, ?)",
                    [(site_id, kind, name) for kind, name in sorted(names)],
                )
            self._settings = _settings(self._pair, names)

    def set_disabled(self, disabled: bool) -> None:
        """Disable (or enable again) the key pair; kept in the database."""
        with self._lock:
            pair = self._pair
            with self._store.transaction() as conn:
                conn.execute(
                    "UPDATE cstg_keypairs SET disabled = ? WHERE subscription_id = ?",
                    (int(disabled), pair.subscription_id),
                )
            self._pair = dataclasses.replace(pair, disabled=disabled)
            self._settings = dataclasses.replace(self._settings, disabled=disabled)
