"""The OS keychain as a credential store: :class:`KeyringCredentialStore`.

Every ``keyring`` call runs in a worker thread, so a keychain prompt never blocks the UI, and
keyring's exceptions become :class:`~uid2_desk.protocol.errors.CredentialsError` with a
sentence saying what to do. Backends that would keep a secret in a plain file count as no
keychain at all.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

import keyring
import keyring.backend
import keyring.errors

from uid2_desk.client.credentials import Credentials
from uid2_desk.protocol.errors import CredentialsError, KeychainUnavailableError

SERVICE_NAME = "uid2-desk"

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
    "No OS keychain is available on this machine: {detail}. The desk cannot store "
    "credentials safely. You can keep them for this session only (they are forgotten when "
    "the desk closes), or set UID2_API_KEY and UID2_SECRET in the environment. "
    "The desk never writes secrets to a plain file."
)


#: Why each unsafe backend means "no keychain", in words (a class name means nothing to people).
_WHY_UNSAFE = {
    "keyring.backends.fail.Keyring": (
        "no keychain service answers (on Linux, a Secret Service such as GNOME Keyring or "
        "KWallet; headless machines usually have none)"
    ),
    "keyring.backends.null.Keyring": "the keychain is switched off in keyring's settings",
    "keyrings.alt.file.PlaintextKeyring": "the only keyring found keeps secrets in a plain file",
    "keyrings.alt.file.EncryptedKeyring": "the only keyring found keeps secrets in a file",
}


def _why_unusable(backend: keyring.backend.KeyringBackend) -> str:
    """Why ``backend`` counts as no keychain, as a clause for people."""
    return _WHY_UNSAFE.get(_backend_name(backend), "the keyring found cannot keep secrets safely")


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
            raise KeychainUnavailableError(_NO_KEYCHAIN.format(detail=_why_unusable(backend)))
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
