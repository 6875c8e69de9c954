"""What both ways of running the proxy need: the upstream for a name, the secrets stored for it.

``uid2-desk proxy`` and the desk's Environment ▸ Proxy to … resolve the upstream and read the
stored client secrets the same way; this small module is what they share, without the desk's
journal and publisher parts that :mod:`uid2_desk.services.desk_proxy` brings.
"""

from __future__ import annotations

from uid2_desk.client.credential_stores import CredentialStore, EnvCredentialStore
from uid2_desk.client.environments import Environment
from uid2_desk.client.keychain_store import KeyringCredentialStore
from uid2_desk.protocol.errors import CredentialsError, InputError
from uid2_desk.proxy.upstream import Upstream


def upstream_of(value: str) -> tuple[Upstream, Environment]:
    """The upstream for ``integ``, ``prod-usw``, a URL... (raises :class:`InputError`)."""
    if value.strip() == "local":
        raise InputError(
            "the proxy forwards to a remote operator; for the local one use "
            "'uid2-desk operator --watch', which captures without a proxy"
        )
    env = Environment.from_cli(value)
    upstream = Upstream(env.id, env.require_base_url(), env.kind.value.upper(), env.is_production)
    return upstream, env


def default_stores() -> list[CredentialStore]:
    """Where an environment's secret is stored: ``UID2_API_KEY``/``UID2_SECRET``, the keychain."""
    return [EnvCredentialStore(), KeyringCredentialStore()]


async def stored_secrets(
    env_id: str, stores: list[CredentialStore], *, refuse_bad_env: bool
) -> dict[str, bytes]:
    """Each API key's secret the stores hold for ``env_id``, the first store's first.

    A store that cannot be read (no keychain here) is skipped: the proxy opens less. Half-set
    or malformed environment variables are an :class:`InputError` when ``refuse_bad_env``
    (the command line says so and stops), else skipped too.
    """
    found: dict[str, bytes] = {}
    for store in stores:
        try:
            stored = await store.get(env_id)
        except CredentialsError as exc:
            if refuse_bad_env and isinstance(store, EnvCredentialStore):
                raise InputError(str(exc)) from None
            continue
        if stored is not None:
            found.setdefault(stored.api_key, stored.secret_bytes)
    return found
