"""What the environments dialog asks of the client layer (no Qt; every call is async).

Where credentials live: the OS keychain when there is one; otherwise, only if the person
says so, this session's memory. ``UID2_API_KEY``/``UID2_SECRET`` are read first, as the CLI
does. Secrets never reach a log, a file or a signal: this module returns masked keys and
sentences.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uid2_desk.protocol.errors import KeychainUnavailableError

if TYPE_CHECKING:
    from uid2_desk.client.credential_stores import CredentialStore, SessionCredentialStore
    from uid2_desk.client.credentials import Credentials
    from uid2_desk.client.environments import Environment
    from uid2_desk.client.keychain_store import KeyringCredentialStore

#: The test identity a connection test generates for (the operator answers it normally).
TEST_IDENTITY = "validate@example.com"


@dataclass(frozen=True)
class StoredCredentials:
    """What is known about an environment's stored credentials, safe to show.

    Attributes:
        masked_key: the API key with all but its prefix hidden, or ``None`` if none stored.
        where: the store's name (``OS keychain``, ``this session only``...).
    """

    masked_key: str | None
    where: str


class CredentialsFlow:
    """Keychain first, session memory on request; connection tests against an operator.

    Attributes:
        keychain: the OS keychain store.
        session: the session-only store (kept for the desk's lifetime).
    """

    def __init__(
        self,
        keychain: KeyringCredentialStore | None = None,
        session: SessionCredentialStore | None = None,
    ) -> None:
        from uid2_desk.client.credential_stores import SessionCredentialStore
        from uid2_desk.client.keychain_store import KeyringCredentialStore

        self.keychain = keychain if keychain is not None else KeyringCredentialStore()
        self.session = session if session is not None else SessionCredentialStore()

    def store(self) -> CredentialStore:
        """What the services read: environment variables, then keychain, then session."""
        from uid2_desk.client.credential_stores import (
            EnvCredentialStore,
            LayeredCredentialStore,
        )

        return LayeredCredentialStore(EnvCredentialStore(), self.session, _QuietKeychain(self))

    async def keychain_problem(self) -> str | None:
        """``None`` when a keychain is usable, else the sentence saying why not."""
        try:
            await self.keychain.check_available()
        except KeychainUnavailableError as err:
            return str(err)
        return None

    async def stored(self, env_id: str) -> StoredCredentials:
        """The masked key stored for ``env_id`` and where (session first, then keychain)."""
        found = await self.session.get(env_id)
        if found is not None:
            return StoredCredentials(found.masked_key, self.session.name)
        if await self.keychain_problem() is None:
            found = await self.keychain.get(env_id)
            if found is not None:
                return StoredCredentials(found.masked_key, self.keychain.name)
        return StoredCredentials(None, "")

    async def save(self, env_id: str, credentials: Credentials, *, session_only: bool) -> str:
        """Store ``credentials``; return where they went. The keychain is used unless
        ``session_only`` (raises ``KeychainUnavailableError`` if there is none)."""
        if session_only:
            await self.session.set(env_id, credentials)
            return self.session.name
        await self.keychain.set(env_id, credentials)
        await self.session.delete(env_id)
        return self.keychain.name

    async def test(self, environment: Environment, credentials: Credentials) -> str:
        """Generate for the test identity; return what happened, as a sentence.

        Raises the client's ``Uid2DeskError`` when the operator refuses or cannot be
        reached (401: the key; 400 "Check encryption key": the secret).
        """
        from uid2_desk.client.http_client import open_http_client
        from uid2_desk.client.operator_client import OperatorClient
        from uid2_desk.protocol.clock import SystemClock
        from uid2_desk.protocol.normalize import DiiKind, parse_dii

        async with await open_http_client() as http:
            client = OperatorClient(http, environment, credentials, clock=SystemClock())
            started = time.perf_counter()
            outcome = await client.generate(parse_dii(DiiKind.EMAIL, TEST_IDENTITY))
            took_ms = (time.perf_counter() - started) * 1000
        if outcome.error is not None:
            raise outcome.error
        status = "unknown" if outcome.value is None else outcome.value.status.value
        return (
            f"Connected to {environment.display_name}: /v2/token/generate for "
            f"{TEST_IDENTITY} answered {status} in {took_ms:.0f} ms. The API key and the "
            "secret both work."
        )


class _QuietKeychain:
    """The keychain as a read source that reports nothing (rather than failing the start)
    when no keychain exists: the dialog explains that case to the person instead."""

    def __init__(self, flow: CredentialsFlow) -> None:
        self._flow = flow

    @property
    def name(self) -> str:
        return self._flow.keychain.name

    @property
    def persistent(self) -> bool:
        return True

    async def get(self, env_id: str) -> Credentials | None:
        if await self._flow.keychain_problem() is not None:
            return None
        return await self._flow.keychain.get(env_id)

    async def set(self, env_id: str, credentials: Credentials) -> None:
        await self._flow.keychain.set(env_id, credentials)

    async def delete(self, env_id: str) -> None:
        await self._flow.keychain.delete(env_id)
