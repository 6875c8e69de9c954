"""Which pages and apps pass the CSTG check: the cases of OP ``DomainNameCheckUtilTest`` and
``cstgDomainNameCheck*``/``cstgAppNameCheck*``, plus the edges of Guava's domain rules."""

from __future__ import annotations

import pytest

from uid2_desk.operator.state.cstg_origin import (
    is_app_allowed,
    is_origin_allowed,
    registrable_domain,
)

PROD = ("examplewebsite.com", "e-wb.org", "aussiedomain.id.au")
TESTING = ("examplewebsite.com", "e-wb.org", "localhost")


@pytest.mark.parametrize(
    "origin",
    [
        "http://examplewebsite.com",
        "https://abc.examplewebsite.com:8080",
        "https://abc.eXampleWebsIte.com:8080/",
        "https://abc.exAmplewEbsite.com:8080/blahh/a.html",
        "https://abc.e-Wb.org:8080/",
        "http://aussiedomain.id.au",
        "https://aussiedomain.id.au/head.html",
    ],
)
def test_pages_on_an_allowed_registrable_domain_pass(origin: str) -> None:
    assert is_origin_allowed(origin, PROD)


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost",
        "https://localhost:8080/",
        "https://abc.localhost:8080",
        "https://abc.locaLHost:8080/",
        "https://abc.localhost:8080/blahh/a.html",
    ],
)
def test_localhost_and_names_directly_under_it_pass_when_localhost_is_allowed(
    origin: str,
) -> None:
    assert is_origin_allowed(origin, TESTING)
    assert not is_origin_allowed(origin, PROD)


@pytest.mark.parametrize(
    "origin",
    [
        "examplewebsite.com",
        "examplewebsite.com:999999",
        "abc:examplewebsite.com",
        "/:$2231examplewebsite.com",
        "/:$2231examplewebsite.com/23423/sfs.html",
        "http://boohoo.id.au",
        "https://blah12.com",
        "http://123.boohoo.id.au",
        "https://456.blah12.com",
        "ws://examplewebsite.com",
        "http://-abc.examplewebsite.com",
        "null",
        "",
    ],
)
def test_malformed_or_other_origins_fail(origin: str) -> None:
    assert not is_origin_allowed(origin, PROD)


#: 253 characters: three 63-character labels, one of 49, then ``example.com``.
NAME_OF_253 = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 49, "example.com"])
assert len(NAME_OF_253) == 253


@pytest.mark.parametrize(
    ("origin", "domain"),
    [
        ("https://shop.example.co.uk:8443", "example.co.uk"),
        ("https://user.github.io", "user.github.io"),  # the list's private section counts
        ("http://a_b.example.com", "example.com"),
        ("http://a.b.localhost", None),
        ("http://127.0.0.1:8080", None),
        ("http://[::1]:8080", None),
        ("http://co.uk", None),
        ("http://intranet", None),
        ("http://:8080", None),  # no host at all
        ("http://[::1", None),  # an IPv6 literal never closed: urlsplit refuses it
        (f"http://{NAME_OF_253}", "example.com"),  # Guava's longest domain name
        (f"http://x{NAME_OF_253}", None),  # one character more
    ],
)
def test_the_registrable_domain_is_guavas_top_private_domain(
    origin: str, domain: str | None
) -> None:
    assert registrable_domain(origin) == domain


@pytest.mark.parametrize(
    ("app_name", "allowed"),
    [
        ("com.123.Game.App.android", True),
        ("com.123.game.app.android", True),
        ("123456789", True),
        ("", False),
        ("com.123", False),
        ("com.", False),
    ],
)
def test_app_names_compare_without_regard_to_case(app_name: str, allowed: bool) -> None:
    assert is_app_allowed(app_name, ("com.123.Game.App.android", "123456789")) is allowed
