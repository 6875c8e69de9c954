"""Where credentials live: the OS keychain, this session's memory, or environment variables.

All stores share the async :class:`CredentialStore` port so the UI never blocks on a keychain
prompt: :class:`~uid2_desk.client.keychain_store.KeyringCredentialStore` (the OS keychain) runs
every ``keyring`` call in a worker thread. This module holds the port and the stores that need
no keychain: this session's memory, the environment, and the layering of stores.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from uid2_desk.client.credentials import Credentials
from uid2_desk.protocol.errors import CredentialsError

ENV_API_KEY = "UID2_API_KEY"
ENV_SECRET = "UID2_SECRET"


@runtime_checkable
class CredentialStore(Protocol):
    """Per-environment credential storage (keyed by :attr:`Environment.id`)."""

    @property
    def name(self) -> str:
        """Short description for the UI, e.g. ``OS keychain`` or ``this session only``."""
        ...

    @property
    def persistent(self) -> bool:
        """Whether the credentials survive a restart of the desk."""
        ...

    async def get(self, env_id: str) -> Credentials | None:
        """Return the stored credentials for ``env_id``, or ``None``."""
        ...

    async def set(self, env_id: str, credentials: Credentials) -> None:
        """Store credentials for ``env_id``, replacing any."""
        ...

    async def delete(self, env_id: str) -> None:
        """Forget the credentials for ``env_id`` (no error if there were none)."""
        ...


class SessionCredentialStore:
    """Credentials kept in this object's memory only, forgotten when the desk exits.

    The UI offers it explicitly when no keychain exists; it is never chosen silently.
    """

    def __init__(self) -> None:
        self._items: dict[str, Credentials] = {}

    @property
    def name(self) -> str:
        """Shown in the UI."""
        return "this session only"

    @property
    def persistent(self) -> bool:
        """Memory does not survive a restart."""
        return False

    async def get(self, env_id: str) -> Credentials | None:
        """Return what was set for ``env_id`` in this session."""
        return self._items.get(env_id)

    async def set(self, env_id: str, credentials: Credentials) -> None:
        """Keep ``credentials`` until the desk exits."""
        self._items[env_id] = credentials

    async def delete(self, env_id: str) -> None:
        """Forget ``env_id``'s credentials."""
        self._items.pop(env_id, None)


class EnvCredentialStore:
    """``UID2_API_KEY`` and ``UID2_SECRET`` from the process environment, for automation.

    They apply to every remote environment and never to ``local`` (the embedded operator
    issues its own credentials). Read-only.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ: Mapping[str, str] = environ if environ is not None else os.environ

    @property
    def name(self) -> str:
        """Shown in the UI."""
        return f"environment variables {ENV_API_KEY}/{ENV_SECRET}"

    @property
    def persistent(self) -> bool:
        """The variables outlive the desk, but the desk cannot write them."""
        return False

    async def get(self, env_id: str) -> Credentials | None:
        """Return the credentials from the environment, or ``None`` when unset or ``local``."""
        if env_id == "local":
            return None
        key = self._environ.get(ENV_API_KEY, "").strip()
        secret = self._environ.get(ENV_SECRET, "").strip()
        if not key and not secret:
            return None
        if not key or not secret:
            missing = ENV_API_KEY if not key else ENV_SECRET
            raise CredentialsError(
                f"{missing} is not set, but its partner is. Set both {ENV_API_KEY} and "
                f"{ENV_SECRET}, or unset both to use the keychain."
            )
        return Credentials(key, secret)

    async def set(self, env_id: str, credentials: Credentials) -> None:
        """Refuse: the desk does not change its own environment variables."""
        raise self._read_only()

    async def delete(self, env_id: str) -> None:
        """Refuse, as :meth:`set` does."""
        raise self._read_only()

    @staticmethod
    def _read_only() -> CredentialsError:
        return CredentialsError(
            f"Credentials from {ENV_API_KEY}/{ENV_SECRET} cannot be changed from the desk; "
            "edit the variables where the desk is started."
        )


class LayeredCredentialStore:
    """Ask several stores in order; write to the first one that accepts writes.

    The usual stack is ``LayeredCredentialStore(EnvCredentialStore(), keychain_or_session)``
    so environment variables take precedence for remote environments.
    """

    def __init__(self, *stores: CredentialStore) -> None:
        if not stores:
            raise ValueError("LayeredCredentialStore needs at least one store")
        self.stores = stores

    @property
    def writable(self) -> CredentialStore:
        """The store that :meth:`set` writes to (the first that is not env variables)."""
        for store in self.stores:
            if not isinstance(store, EnvCredentialStore):
                return store
        return self.stores[0]

    @property
    def name(self) -> str:
        """Shown in the UI: the writable store's name."""
        return self.writable.name

    @property
    def persistent(self) -> bool:
        """Whether the writable store survives restarts."""
        return self.writable.persistent

    async def get(self, env_id: str) -> Credentials | None:
        """The first store that has credentials for ``env_id`` wins."""
        for store in self.stores:
            found = await store.get(env_id)
            if found is not None:
                return found
        return None

    async def set(self, env_id: str, credentials: Credentials) -> None:
        """Write to :attr:`writable`."""
        await self.writable.set(env_id, credentials)

    async def delete(self, env_id: str) -> None:
        """Delete from :attr:`writable`."""
        await self.writable.delete(env_id)
