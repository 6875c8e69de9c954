"""The local operator's clients: a publisher, a DSP and a sharer, each with a real API key.

Keys and secrets are drawn at random the first time a data directory is used and kept in the
operator's database, so every run against the same directory accepts the same credentials.
They are never logged: rows hide them from ``repr`` and the request log stores the key's
short id (the part after the site id, as in ``UID2-C-L-999-<id>.<secret part>``) only.
"""

from __future__ import annotations

import base64
import secrets
import string
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from uid2_desk.operator.state.store import OperatorStore

PUBLISHER = "publisher"
DSP = "dsp"
SHARER = "sharer"

_KEY_ID_ALPHABET = string.ascii_letters + string.digits
_KEY_ID_LENGTH = 6


class Role(StrEnum):
    """Operator roles (uid2-protocol.md §1.2) that gate each endpoint."""

    GENERATOR = "GENERATOR"
    MAPPER = "MAPPER"
    ID_READER = "ID_READER"
    SHARER = "SHARER"
    OPTOUT = "OPTOUT"


@dataclass(frozen=True)
class ClientSpec:
    """What kind of client to create: its site and roles."""

    site_id: int
    roles: frozenset[Role]


#: The three clients every data directory gets.
CLIENT_SPECS = MappingProxyType(
    {
        PUBLISHER: ClientSpec(999, frozenset({Role.GENERATOR, Role.MAPPER, Role.OPTOUT})),
        DSP: ClientSpec(1001, frozenset({Role.ID_READER})),
        SHARER: ClientSpec(1002, frozenset({Role.SHARER})),
    }
)


@dataclass(frozen=True)
class ClientRecord:
    """One client as the operator knows it.

    Attributes:
        name: ``publisher``, ``dsp`` or ``sharer``.
        site_id: the client's site.
        roles: what it may call.
        key_id: the short, loggable id inside the API key.
        api_key: the bearer token (secret; hidden from ``repr``).
        secret: base64 of the 32-byte client secret (hidden from ``repr``).
    """

    name: str
    site_id: int
    roles: frozenset[Role]
    key_id: str
    api_key: str = field(repr=False)
    secret: str = field(repr=False)

    @property
    def secret_bytes(self) -> bytes:
        """The AES-256 key of the request/response envelope."""
        return base64.b64decode(self.secret)

    def has_any_role(self, roles: frozenset[Role]) -> bool:
        """Whether this client holds at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)


@dataclass(frozen=True)
class ClientCredentials:
    """What another program needs to call the operator as one client."""

    api_key: str = field(repr=False)
    secret: str = field(repr=False)
    site_id: int


@dataclass(frozen=True)
class IssuedCredentials:
    """The working credentials this operator issued to its three clients.

    Not to be confused with :class:`uid2_desk.client.Credentials`, the key/secret pair a
    client calls an operator with.
    """

    publisher: ClientCredentials
    dsp: ClientCredentials
    sharer: ClientCredentials

    def to_json(self, base_url: str) -> dict[str, Any]:
        """The credentials file's document (design.md §3)."""
        return {
            "base_url": base_url,
            "publisher": {
                "api_key": self.publisher.api_key,
                "secret": self.publisher.secret,
                "site_id": self.publisher.site_id,
            },
            "dsp": {"api_key": self.dsp.api_key, "secret": self.dsp.secret},
            "sharer": {"api_key": self.sharer.api_key, "secret": self.sharer.secret},
        }


def _new_client(name: str, spec: ClientSpec) -> ClientRecord:
    key_id = "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(_KEY_ID_LENGTH))
    key_part = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    return ClientRecord(
        name=name,
        site_id=spec.site_id,
        roles=spec.roles,
        key_id=key_id,
        api_key=f"UID2-C-L-{spec.site_id}-{key_id}.{key_part}",
        secret=base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
    )


class ClientRegistry:
    """The clients of one data directory, looked up by API key on every request."""

    def __init__(self, clients: list[ClientRecord]) -> None:
        self._by_api_key = {c.api_key: c for c in clients}
        self._by_name = {c.name: c for c in clients}

    @classmethod
    def load_or_create(cls, store: OperatorStore, now_ms: int) -> ClientRegistry:
        """Read the stored clients, creating any of the three that is missing."""
        with store.transaction() as conn:
            rows = conn.execute(
                "SELECT name, site_id, roles, key_id, api_key, secret FROM clients"
            ).fetchall()
            clients = [
                ClientRecord(
                    name=name,
                    site_id=site_id,
                    roles=frozenset(Role(r) for r in roles.split(",") if r),
                    key_id=key_id,
                    api_key=api_key,
                    secret=secret,
                )
                for name, site_id, roles, key_id, api_key, secret in rows
            ]
            known = {c.name for c in clients}
            for name, spec in CLIENT_SPECS.items():
                if name in known:
                    continue
                client = _new_client(name, spec)
                conn.execute(
                    "INSERT INTO clients (name, site_id, roles, key_id, api_key, secret, "
                    "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        client.name,
                        client.site_id,
                        ",".join(sorted(client.roles)),
                        client.key_id,
                        client.api_key,
                        client.secret,
                        now_ms,
                    ),
                )
                clients.append(client)
        return cls(clients)

    def by_api_key(self, api_key: str) -> ClientRecord | None:
        """The client holding this API key, if any."""
        return self._by_api_key.get(api_key)

    def by_name(self, name: str) -> ClientRecord:
        """One of ``publisher``, ``dsp``, ``sharer`` (``KeyError`` otherwise)."""
        return self._by_name[name]

    def all(self) -> list[ClientRecord]:
        """Every client, in name order."""
        return sorted(self._by_name.values(), key=lambda c: c.name)

    def site_ids(self) -> list[int]:
        """The distinct sites of the clients, ascending."""
        return sorted({c.site_id for c in self._by_name.values()})

    @property
    def credentials(self) -> IssuedCredentials:
        """The publisher's, DSP's and sharer's credentials."""

        def creds(name: str) -> ClientCredentials:
            c = self._by_name[name]
            return ClientCredentials(api_key=c.api_key, secret=c.secret, site_id=c.site_id)

        return IssuedCredentials(publisher=creds(PUBLISHER), dsp=creds(DSP), sharer=creds(SHARER))
