"""Environments: the --env names, custom URLs, and the cross-environment guard."""

from __future__ import annotations

import pytest

from uid2_desk.client.environments import (
    ENVIRONMENT_IDS,
    Environment,
    EnvironmentKind,
    ensure_same_environment,
)
from uid2_desk.protocol.errors import EnvironmentMismatchError, InputError
from uid2_desk.protocol.tokens import IdentityScope


@pytest.mark.parametrize(
    ("env_id", "base_url", "kind", "scope", "production"),
    [
        ("integ", "https://operator-integ.uidapi.com", EnvironmentKind.INTEG, "UID2", False),
        ("prod", "https://prod.uidapi.com", EnvironmentKind.PROD, "UID2", True),
        ("prod-global", "https://global.prod.uidapi.com", EnvironmentKind.PROD, "UID2", True),
        ("prod-usw", "https://usw.prod.uidapi.com", EnvironmentKind.PROD, "UID2", True),
        ("prod-au", "https://au.prod.uidapi.com", EnvironmentKind.PROD, "UID2", True),
        ("prod-jp", "https://jp.prod.uidapi.com", EnvironmentKind.PROD, "UID2", True),
        ("prod-sg", "https://sg.prod.uidapi.com", EnvironmentKind.PROD, "UID2", True),
        ("euid-integ", "https://integ.euid.eu", EnvironmentKind.INTEG, "EUID", False),
        ("euid-prod", "https://prod.euid.eu", EnvironmentKind.PROD, "EUID", True),
    ],
)
def test_every_cli_name_resolves_to_its_documented_host(
    env_id: str, base_url: str, kind: EnvironmentKind, scope: str, production: bool
) -> None:
    env = Environment.from_cli(env_id)
    assert env.id == env_id
    assert env.base_url == base_url
    assert env.kind is kind
    assert env.scope is IdentityScope[scope]
    assert env.is_production is production
    assert env.is_remote
    assert env.display_name


def test_cli_names_are_exactly_the_documented_list() -> None:
    assert ENVIRONMENT_IDS == (
        "local",
        "integ",
        "prod",
        "prod-global",
        "prod-usw",
        "prod-au",
        "prod-jp",
        "prod-sg",
        "euid-integ",
        "euid-prod",
    )


def test_local_takes_its_url_at_runtime_and_is_not_production() -> None:
    pending = Environment.from_cli("local")
    assert pending.base_url is None
    assert pending.kind is EnvironmentKind.LOCAL
    assert not pending.is_production
    assert not pending.is_remote
    with pytest.raises(InputError, match="start the local operator"):
        pending.require_base_url()
    started = pending.with_base_url("http://127.0.0.1:40123/")
    assert started.require_base_url() == "http://127.0.0.1:40123"
    assert Environment.from_cli("local", local_url="http://127.0.0.1:9").base_url == (
        "http://127.0.0.1:9"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://Operator.Example.com/", "https://operator.example.com"),
        ("https://operator.example.com/v2", "https://operator.example.com"),
        ("https://operator.example.com/v2/", "https://operator.example.com"),
        ("https://proxy.example.com/uid2/", "https://proxy.example.com/uid2"),
    ],
)
def test_custom_url_is_reduced_to_the_host_root(typed: str, expected: str) -> None:
    env = Environment.from_cli(typed)
    assert env.kind is EnvironmentKind.CUSTOM
    assert env.id == expected
    assert env.base_url == expected
    assert not env.is_production


def test_a_custom_url_that_is_a_known_host_is_that_environment() -> None:
    assert Environment.from_cli("https://prod.euid.eu/v2").id == "euid-prod"
    assert Environment.from_cli("https://usw.prod.uidapi.com/").id == "prod-usw"


def test_custom_euid_host_is_guessed_as_euid_scope() -> None:
    assert Environment.from_cli("https://test.euid.eu").scope is IdentityScope.EUID
    assert Environment.from_cli("http://10.0.0.5:8080").scope is IdentityScope.UID2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ftp://operator.example.com", "not an http:// or https:// URL"),
        ("operator.example.com", "Unknown environment"),
        ("http://", "no host"),
        ("https://user:pw@operator.example.com", "user name or password"),
        ("https://operator.example.com/?x=1", "query or fragment"),
        ("http://127.0.0.1:99999", "invalid port"),
        ("staging", "Unknown environment 'staging'. Use one of local, integ, prod"),
    ],
)
def test_bad_env_values_are_refused_with_what_a_good_one_looks_like(
    typed: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        Environment.from_cli(typed)


def test_refreshing_an_integ_identity_against_prod_is_refused_with_an_explanation() -> None:
    with pytest.raises(EnvironmentMismatchError) as caught:
        ensure_same_environment("integ", Environment.from_cli("prod"))
    text = str(caught.value)
    assert "UID2 integration (integ)" in text
    assert "UID2 production" in text
    assert "sign the user in again on prod" in text


def test_identities_move_freely_between_production_regions() -> None:
    ensure_same_environment("prod", Environment.from_cli("prod-usw"))
    ensure_same_environment("prod-jp", Environment.from_cli("prod-global"))


def test_uid2_and_euid_production_are_different_environments() -> None:
    with pytest.raises(EnvironmentMismatchError):
        ensure_same_environment("prod", Environment.from_cli("euid-prod"))


def test_local_identity_is_refused_on_a_remote_operator_and_vice_versa() -> None:
    local = Environment.local("http://127.0.0.1:5000")
    ensure_same_environment("local", local)
    with pytest.raises(EnvironmentMismatchError, match="the local operator"):
        ensure_same_environment("local", Environment.from_cli("integ"))
    with pytest.raises(EnvironmentMismatchError):
        ensure_same_environment("integ", local)


def test_custom_environments_match_only_the_same_url() -> None:
    custom = Environment.from_cli("https://a.example.com/")
    ensure_same_environment("https://a.example.com", custom)
    with pytest.raises(EnvironmentMismatchError):
        ensure_same_environment("https://b.example.com", custom)
