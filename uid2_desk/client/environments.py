"""Where the desk sends its requests: the local operator, UID2 and EUID integ/prod, or a URL.

Each :class:`Environment` knows its base URL (the host root, without a trailing slash or
``/v2``: every path starts with ``/v2/...``, uid2-protocol.md §1.1), its identity scope, how
the UI should colour it, and whether it is production (the UI asks before the first call).

Identities are bound to the environment that issued them. Production regions share one
set of keys, so an identity issued by ``prod`` can be refreshed by ``prod-usw``: the check in
:func:`ensure_same_environment` compares *realms* (the key domain), not hosts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from urllib.parse import urlsplit

from uid2_desk.protocol.errors import EnvironmentMismatchError, InputError
from uid2_desk.protocol.tokens import IdentityScope


class EnvironmentKind(Enum):
    """What sort of environment this is; the UI colour-codes by it."""

    LOCAL = "local"
    INTEG = "integ"
    PROD = "prod"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Environment:
    """One place the desk can talk to.

    Attributes:
        id: the CLI ``--env`` name (``local``, ``integ``, ``prod-usw``...) or, for a custom
            environment, its URL.
        display_name: what the UI shows, e.g. ``UID2 production (us-west-2)``.
        kind: LOCAL, INTEG, PROD or CUSTOM.
        scope: UID2 or EUID.
        base_url: host root without a trailing slash; ``None`` for a local environment whose
            operator has not started yet (see :meth:`with_base_url`).
        realm: the key domain; identities move freely between environments of one realm.
    """

    id: str
    display_name: str
    kind: EnvironmentKind
    scope: IdentityScope
    base_url: str | None
    realm: str

    @property
    def is_production(self) -> bool:
        """True for real production operators: the UI confirms before the first call."""
        return self.kind is EnvironmentKind.PROD

    @property
    def is_remote(self) -> bool:
        """True for anything but the embedded local operator."""
        return self.kind is not EnvironmentKind.LOCAL

    def with_base_url(self, base_url: str) -> Environment:
        """Return a copy pointing at ``base_url`` (the local operator's runtime address)."""
        return replace(self, base_url=normalize_base_url(base_url))

    def require_base_url(self) -> str:
        """Return the base URL, or raise if the local operator's address is not known yet."""
        if self.base_url is None:
            raise InputError(
                f"{self.display_name} has no address yet: start the local operator first, "
                "or pick another environment with --env."
            )
        return self.base_url

    @classmethod
    def local(
        cls, base_url: str | None = None, scope: IdentityScope = IdentityScope.UID2
    ) -> Environment:
        """The embedded local operator, at ``base_url`` once it listens."""
        url = normalize_base_url(base_url) if base_url is not None else None
        name = "Local operator" if scope is IdentityScope.UID2 else "Local operator (EUID)"
        return cls("local", name, EnvironmentKind.LOCAL, scope, url, "local")

    @classmethod
    def custom(cls, url: str, scope: IdentityScope | None = None) -> Environment:
        """An operator at a URL the user typed; the scope is guessed from the host if omitted."""
        base = normalize_base_url(url)
        known = _by_url(base)
        if known is not None:
            return known
        if scope is None:
            host = urlsplit(base).hostname or ""
            scope = IdentityScope.EUID if host.endswith("euid.eu") else IdentityScope.UID2
        return cls(base, f"Custom ({base})", EnvironmentKind.CUSTOM, scope, base, base)

    @classmethod
    def from_cli(cls, value: str, local_url: str | None = None) -> Environment:
        """Resolve a ``--env`` value: a known name or an ``http(s)://`` URL.

        ``local_url`` is the embedded operator's address for ``local`` (may come later).
        """
        name = value.strip()
        if not name:
            raise InputError(
                "--env is empty: name an environment (local, integ, prod...) or a URL."
            )
        if name == "local":
            return cls.local(local_url)
        for env in KNOWN_ENVIRONMENTS:
            if env.id == name:
                return env
        if "://" in name:
            return cls.custom(name)
        names = ", ".join(["local", *(env.id for env in KNOWN_ENVIRONMENTS)])
        raise InputError(
            f"Unknown environment {value!r}. Use one of {names}, or a URL such as "
            "https://operator.example.com."
        )


def normalize_base_url(url: str) -> str:
    """Check a base URL and strip a trailing ``/`` or ``/v2``.

    Only ``http`` and ``https`` with a host are accepted; credentials, queries and fragments
    in the URL are refused (an API key does not belong in a URL).
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise InputError(
            f"{url!r} is not a valid URL ({exc}). Try e.g. http://127.0.0.1:8080."
        ) from None
    if parts.scheme not in ("http", "https"):
        raise InputError(
            f"{url!r} is not an http:// or https:// URL. "
            "Type the operator's address, e.g. https://operator-integ.uidapi.com."
        )
    if not parts.hostname:
        raise InputError(f"{url!r} has no host name. Try e.g. http://127.0.0.1:8080.")
    if parts.username or parts.password:
        raise InputError(
            "The URL must not contain a user name or password; remove the part before '@'."
        )
    if parts.query or parts.fragment:
        raise InputError(f"{url!r} has a query or fragment; give only the host root.")
    try:
        _ = parts.port
    except ValueError:
        raise InputError(f"{url!r} has an invalid port number.") from None
    path = parts.path.rstrip("/")
    if path.endswith("/v2"):
        path = path[: -len("/v2")].rstrip("/")
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def _prod(suffix: str, region: str, host: str) -> Environment:
    env_id = "prod" if not suffix else f"prod-{suffix}"
    return Environment(
        env_id,
        f"UID2 production ({region})",
        EnvironmentKind.PROD,
        IdentityScope.UID2,
        f"https://{host}",
        "uid2-prod",
    )


#: Every named remote environment (uid2-protocol.md §1.1), in the order the UI lists them.
KNOWN_ENVIRONMENTS: tuple[Environment, ...] = (
    Environment(
        "integ",
        "UID2 integration",
        EnvironmentKind.INTEG,
        IdentityScope.UID2,
        "https://operator-integ.uidapi.com",
        "uid2-integ",
    ),
    _prod("", "us-east-2, Ohio", "prod.uidapi.com"),
    _prod("global", "global accelerator", "global.prod.uidapi.com"),
    _prod("usw", "us-west-2", "usw.prod.uidapi.com"),
    _prod("au", "ap-southeast-2, Sydney", "au.prod.uidapi.com"),
    _prod("jp", "ap-northeast-1, Tokyo", "jp.prod.uidapi.com"),
    _prod("sg", "ap-southeast-1, Singapore", "sg.prod.uidapi.com"),
    Environment(
        "euid-integ",
        "EUID integration",
        EnvironmentKind.INTEG,
        IdentityScope.EUID,
        "https://integ.euid.eu",
        "euid-integ",
    ),
    Environment(
        "euid-prod",
        "EUID production (eu-west-2, London)",
        EnvironmentKind.PROD,
        IdentityScope.EUID,
        "https://prod.euid.eu",
        "euid-prod",
    ),
)

#: The ``--env`` names, including ``local``.
ENVIRONMENT_IDS: tuple[str, ...] = ("local", *(env.id for env in KNOWN_ENVIRONMENTS))


def _by_url(base_url: str) -> Environment | None:
    for env in KNOWN_ENVIRONMENTS:
        if env.base_url == base_url:
            return env
    return None


def _realm_of(env_id: str) -> tuple[str, str]:
    """Return ``(realm, display name)`` for an environment id, or the id itself if unknown."""
    if env_id == "local":
        return "local", "the local operator"
    for env in KNOWN_ENVIRONMENTS:
        if env.id == env_id:
            return env.realm, env.display_name
    try:
        env = Environment.custom(env_id)
    except InputError:
        return env_id, env_id
    return env.realm, env.display_name


def ensure_same_environment(issued_by: str, using: Environment) -> None:
    """Refuse to use an identity issued by ``issued_by`` (an environment id) against ``using``.

    Each environment has its own refresh keys, so the operator could not even read a refresh
    token from elsewhere; worse, a prod identity refreshed on integ would mix test and real
    users. Environments of one realm (the production regions) are interchangeable.

    Raises:
        EnvironmentMismatchError: with an explanation of both sides and what to do.
    """
    realm, issued_name = _realm_of(issued_by)
    if realm == using.realm:
        return
    raise EnvironmentMismatchError(
        f"This identity was issued by {issued_name} ({issued_by}), but the desk is now talking "
        f"to {using.display_name} ({using.id}). Each environment has its own keys, so "
        f"{using.display_name} cannot refresh or validate it. Switch back to {issued_by}, "
        f"or sign the user in again on {using.id}."
    )
