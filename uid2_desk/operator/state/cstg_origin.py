"""Which web pages and apps may generate tokens for a site (OP ``DomainNameCheckUtil``).

A browser's ``Origin`` passes when its host's registrable domain (Guava's
``InternetDomainName.topPrivateDomain``, over the whole Public Suffix List, private section
included) is one of the site's domain names: ``https://www.example.co.uk:8443`` counts as
``example.co.uk``. Hosts under no public suffix pass only as ``localhost`` or a name directly
under it (``app.localhost``, not ``a.b.localhost``), and only if the site lists
``localhost``. IP literals never pass. An app's ``app_name`` is compared without regard to
case with the site's app names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from uid2_desk.protocol.errors import InputError

LOCALHOST = "localhost"
#: The protocols ``java.net.URL`` has handlers for; any other makes the origin malformed.
_JAVA_URL_PROTOCOLS = frozenset({"http", "https", "ftp", "file", "jar", "mailto", "jrt"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
#: The ASCII characters Guava's ``InternetDomainName`` allows in a label (others: any).
_LABEL_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
_MAX_LABEL_LENGTH = 63
_MAX_NAME_LENGTH = 253


@functools.cache
def _suffix_list() -> PublicSuffixList:
    # Loaded on first use (the list ships inside the package); unknown TLDs are not
    # suffixes, as in Guava, which applies no default "*" rule.
    return PublicSuffixList(accept_unknown=False)


def _domain_name(host: str) -> str | None:
    """``host`` lower-cased if Guava would accept it as a domain name, else ``None``."""
    name = host.lower().removesuffix(".")
    if not name or len(name) > _MAX_NAME_LENGTH:
        return None
    labels = name.split(".")
    if not all(_valid_label(label) for label in labels):
        return None
    # The last label (the would-be TLD) never starts with a digit: that rules out IPv4.
    return None if labels[-1][0] in "0123456789" else name


def _valid_label(label: str) -> bool:
    """Guava's ``validatePart``: 1-63 characters, ASCII ones from the allowed set, and
    neither end a dash or an underscore."""
    if not 0 < len(label) <= _MAX_LABEL_LENGTH or label[0] in "-_" or label[-1] in "-_":
        return False
    return all(ch in _LABEL_ASCII for ch in label if ch.isascii())


def registrable_domain(origin: str) -> str | None:
    """The name a site's ``domain_names`` must hold for ``origin`` to pass, if any."""
    match = _SCHEME.match(origin)
    if match is None or match.group(1).lower() not in _JAVA_URL_PROTOCOLS:
        return None
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return None
    host = netloc.rpartition("@")[2]
    host = host if host.startswith("[") else host.partition(":")[0]
    name = _domain_name(host)
    if name is None:
        return None
    private = _suffix_list().privatesuffix(name)
    if private is not None:
        return str(private)
    if name == LOCALHOST or name.partition(".")[2] == LOCALHOST:
        return LOCALHOST
    return None


def is_origin_allowed(origin: str | None, domain_names: Iterable[str]) -> bool:
    """Whether a page at ``origin`` may generate tokens for a site with these names."""
    if origin is None:
        return False
    domain = registrable_domain(origin)
    return domain is not None and domain in set(domain_names)


def _equals_ignore_case(a: str, b: str) -> bool:
    # Java's String.equalsIgnoreCase: character by character, upper or lower case equal.
    if len(a) != len(b):
        return False
    pairs = zip(a, b, strict=True)
    return all(x == y or x.upper() == y.upper() or x.lower() == y.lower() for x, y in pairs)


def is_app_allowed(app_name: str, app_names: Iterable[str]) -> bool:
    """Whether an app may generate tokens for a site with these app names."""
    return any(_equals_ignore_case(app_name, known) for known in app_names)


def checked_domain_name(name: str) -> str:
    """``name`` as a site's domain name, or :class:`InputError` saying what would work.

    Only a registrable domain (or ``localhost``) can ever match, since the operator
    compares the page's registrable domain with the list.
    """
    cleaned = name.strip().lower()
    domain = registrable_domain(f"https://{cleaned}") if cleaned else None
    if domain == cleaned:
        return cleaned
    if domain is not None:
        raise InputError(
            f"{name!r} is not a registrable domain: pages there count as {domain!r}; "
            f"give {domain!r} instead"
        )
    raise InputError(
        f"{name!r} is not a domain name a page can have (give one like example.com, or localhost)"
    )


def checked_app_name(name: str) -> str:
    """``name`` as a site's app name (Android package, iOS bundle id or App Store id)."""
    cleaned = name.strip()
    if not cleaned or any(ch.isspace() or ord(ch) < 0x20 for ch in cleaned):
        raise InputError(
            f"{name!r} is not an app name: give an Android package, an iOS bundle id or "
            "an App Store id, without spaces"
        )
    return cleaned
