"""Where credentials live: the OS keychain, this session's memory, or environment variables.

All stores share the async :class:`CredentialStore` port so the UI never blocks on a keychain
prompt: :class:`KeyringCredentialStore` runs every ``keyring`` call in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Mapping
from typing import Protocol, TypeVar, runtime_checkable

import keyring
import keyring.backend
import keyring.errors

from uid2_desk.client.credentials import Credentials
from uid2_desk.protocol.errors import CredentialsError, KeychainUnavailableError

SERVICE_NAME = "uid2-desk"
ENV_API_KEY = "UID2_API_KEY"
ENV_SECRET = "UID2_SECRET"

#: Backends that do not keep a secret safely (or at all); treated as "no keychain".
_UNSAFE_BACKENDS = frozenset(
    {
        "keyring.backends.fail.Keyring",
        "keyring.backends.null.Keyring",
        "keyrings.alt.file.PlaintextKeyring",
        "keyrings.alt.file.EncryptedKeyring",
    }
)

_T = TypeVar("_T")

_NO_KEYCHAIN = (
    "No OS keychain is available on this machine ({detail}), so the desk cannot store "
    "credentials safely. You can keep them for this session only (they are forgotten when "
    "the desk closes), or set UID2_API_KEY and UID2_SECRET in the environment. "
    "The desk never writes secrets to a plain file."
)


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


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    """Whether a backend actually stores secrets somewhere safe."""
    if _backend_name(backend) in _UNSAFE_BACKENDS:
        return False
    chained = getattr(backend, "backends", None)
    if isinstance(chained, list):
        return any(_usable(b) for b in chained)
    return True


class KeyringCredentialStore:
    """Credentials in the OS keychain: ``<env-id>:api_key`` and ``<env-id>:secret``.

    Attributes:
        service: the keychain service name (``uid2-desk``).
    """

    def __init__(self, service: str = SERVICE_NAME) -> None:
        self.service = service

    @property
    def name(self) -> str:
        """Shown in the UI."""
        return "OS keychain"

    @property
    def persistent(self) -> bool:
        """Keychain entries survive restarts."""
        return True

    def _backend(self) -> keyring.backend.KeyringBackend:
        backend = keyring.get_keyring()
        if not _usable(backend):
            raise KeychainUnavailableError(
                _NO_KEYCHAIN.format(detail=f"keyring backend {_backend_name(backend)}")
            )
        return backend

    async def check_available(self) -> None:
        """Raise :class:`KeychainUnavailableError` if there is no usable keychain."""
        await asyncio.to_thread(self._backend)

    def _get_sync(self, env_id: str) -> Credentials | None:
        backend = self._backend()
        key = backend.get_password(self.service, f"{env_id}:api_key")
        secret = backend.get_password(self.service, f"{env_id}:secret")
        if key is None and secret is None:
            return None
        if key is None or secret is None:
            raise CredentialsError(
                f"The keychain holds only half of the credentials for {env_id} "
                "(API key or secret missing). Enter both again."
            )
        return Credentials(key, secret)

    def _set_sync(self, env_id: str, credentials: Credentials) -> None:
        backend = self._backend()
        backend.set_password(self.service, f"{env_id}:api_key", credentials.api_key)
        backend.set_password(self.service, f"{env_id}:secret", credentials.secret)

    def _delete_sync(self, env_id: str) -> None:
        backend = self._backend()
        for field in ("api_key", "secret"):
            # Nothing stored under that name means it is already forgotten.
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                backend.delete_password(self.service, f"{env_id}:{field}")

    async def get(self, env_id: str) -> Credentials | None:
        """Read both values from the keychain (in a worker thread)."""
        return await _translated(asyncio.to_thread(self._get_sync, env_id), "read", env_id)

    async def set(self, env_id: str, credentials: Credentials) -> None:
        """Write both values to the keychain (in a worker thread)."""
        await _translated(asyncio.to_thread(self._set_sync, env_id, credentials), "save", env_id)

    async def delete(self, env_id: str) -> None:
        """Remove both values from the keychain (in a worker thread)."""
        await _translated(asyncio.to_thread(self._delete_sync, env_id), "delete", env_id)


async def _translated(call: Awaitable[_T], what: str, env_id: str) -> _T:
    """Await a keyring call and translate keyring's exceptions into our tree."""
    try:
        return await call
    except keyring.errors.NoKeyringError as exc:
        raise KeychainUnavailableError(_NO_KEYCHAIN.format(detail=str(exc).split(".")[0])) from None
    except keyring.errors.KeyringLocked:
        raise CredentialsError(
            f"The OS keychain is locked, so the credentials for {env_id} could not be {what}d "
            "there. Unlock it (log in to the desktop session) and try again."
        ) from None
    except keyring.errors.KeyringError as exc:
        raise CredentialsError(
            f"The OS keychain refused to {what} the credentials for {env_id} "
            f"({type(exc).__name__}). Check the keychain app, or use session-only credentials."
        ) from None


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
