"""Finding the credentials a remote environment needs: given, in the environment, or saved.

The desk looks in ``UID2_API_KEY`` / ``UID2_SECRET`` first, then the OS keychain; each failure
says what to set or install, and never shows a secret.
"""

from __future__ import annotations

from uid2_desk.client.credential_stores import (
    CredentialStore,
    EnvCredentialStore,
    LayeredCredentialStore,
)
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.environments import Environment
from uid2_desk.client.keychain_store import KeyringCredentialStore
from uid2_desk.protocol.errors import CredentialsError, KeychainUnavailableError


async def credentials_for(
    environment: Environment,
    credentials: Credentials | None,
    store: CredentialStore | None,
    require: bool,
) -> Credentials | None:
    """The given credentials, else the store's (env vars, then keychain), else an error.

    With ``require`` (a run without a window) a missing or unreadable set is an error that
    says how to provide one; without it, ``None`` lets the desk's window ask.
    """
    if credentials is not None:
        return credentials
    store = store or LayeredCredentialStore(EnvCredentialStore(), KeyringCredentialStore())
    try:
        found = await store.get(environment.id)
    except KeychainUnavailableError:
        if not require:
            return None  # the desk's window asks, and can keep them for the session
        # Required means a run without a window: it cannot keep typed credentials for a
        # session, so offer only what works here.
        raise KeychainUnavailableError(
            f"No credentials for {environment.display_name}: UID2_API_KEY and UID2_SECRET are "
            "not set and this machine has no OS keychain to read them from. Set UID2_API_KEY "
            "and UID2_SECRET, or install a keychain backend (e.g. GNOME Keyring, KWallet) and "
            "save them from the desk's Credentials dialog."
        ) from None
    except CredentialsError:
        if require:
            raise
        return None
    if found is None and require:
        raise CredentialsError(
            f"No credentials for {environment.display_name}. Set UID2_API_KEY and UID2_SECRET, "
            "or save them in the keychain from the desk's Credentials dialog."
        )
    return found
