"""Where the proxy forwards to, and the one rule about it: HTTPS, or HTTP to loopback only."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.loopback import is_loopback_host


@dataclass(frozen=True)
class Upstream:
    """The operator the proxy forwards to.

    Attributes:
        name: the environment's id (``integ``, ``prod-usw``) or its URL; stored on captures.
        base_url: the host root, without a trailing ``/``.
        label: what the band and the announcement say (``INTEG``, ``PROD``, ``CUSTOM``).
        production: whether it is a real production operator (confirm before forwarding).
    """

    name: str
    base_url: str
    label: str
    production: bool = False

    def __post_init__(self) -> None:
        check_upstream_url(self.base_url)


def check_upstream_url(url: str) -> None:
    """Refuse an upstream the proxy must not forward to (raises :class:`InputError`).

    Requests carry API keys and DII: over plain HTTP they would cross the network readable by
    anyone on the way. Plain HTTP is accepted only to this machine (a local operator).
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and is_loopback_host(parts.hostname):
        return
    if parts.scheme == "http":
        raise InputError(
            f"refusing to forward to {url}: plain HTTP would carry API keys and DII across "
            "the network unencrypted; use its https:// address (plain HTTP is allowed to "
            "loopback only)"
        )
    raise InputError(f"{url!r} is not an https:// URL (or http:// to loopback)")
