"""The client secrets ``uid2-desk proxy`` may open envelopes with, from where the desk keeps them.

Asked in order, all kept: ``--credentials FILE`` (one or more JSON files: the operator's
``--credentials-out`` file, a ``{"api_key", "secret"}`` object or a list of them), then
``UID2_API_KEY``/``UID2_SECRET``, then the OS keychain entry of the upstream environment. A
keychain that is not there is no error (the proxy still forwards, and says it opens less).
Secrets are only ever decoded into :class:`~uid2_desk.proxy.keys.ClientSecrets`.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TypeGuard

from uid2_desk.client.credential_stores import CredentialStore
from uid2_desk.client.credentials import Credentials
from uid2_desk.protocol.errors import CredentialsError, InputError
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.services.proxy_setup import default_stores, stored_secrets


def gather_secrets(
    env_id: str, files: list[str], stores: list[CredentialStore] | None = None
) -> ClientSecrets:
    """Every API key's secret the proxy was given, by key (raises :class:`InputError`)."""
    found: dict[str, bytes] = {}
    for name in files:
        for credentials in _from_file(Path(name)):
            found.setdefault(credentials.api_key, credentials.secret_bytes)
    asked = stores if stores is not None else default_stores()
    for api_key, secret in asyncio.run(stored_secrets(env_id, asked, refuse_bad_env=True)).items():
        found.setdefault(api_key, secret)
    return ClientSecrets(found)


def _from_file(path: Path) -> list[Credentials]:
    try:
        document = json.loads(path.expanduser().read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the credentials file {path} ({exc.strerror})") from None
    except ValueError:
        raise InputError(f"the credentials file {path} is not JSON") from None
    blocks = _blocks(document)
    if not blocks:
        raise InputError(
            f"the credentials file {path} holds no api_key/secret pair; write "
            '{"api_key": "...", "secret": "..."} or a list of them'
        )
    try:
        return [Credentials(str(b["api_key"]), str(b["secret"])) for b in blocks]
    except CredentialsError as exc:
        raise InputError(f"in the credentials file {path}: {exc}") from None


def _blocks(document: object) -> list[dict[str, object]]:
    """The ``{"api_key", "secret"}`` objects at the top level, in a list, or one level down."""
    if isinstance(document, list):
        return [b for b in document if _is_pair(b)]
    if not isinstance(document, dict):
        return []
    if _is_pair(document):
        return [document]
    return [b for b in document.values() if _is_pair(b)]


def _is_pair(value: object) -> TypeGuard[dict[str, object]]:
    return isinstance(value, dict) and "api_key" in value and "secret" in value
