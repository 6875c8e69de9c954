"""The token issuer's refusals at their edges (issue 19: these never ran, so a bug was silent).

The issuer is built from the operator's own parts on a fresh data dir; times are explicit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from uid2_desk.operator.issue_results import RefreshOutcome, Validation
from uid2_desk.operator.issuer import REFRESH_CUTOFF_MS, TokenIssuer
from uid2_desk.operator.state.keys import KeyRing
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.operator.state.optouts import OptOutRegistry
from uid2_desk.operator.state.salts import SaltTable
from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.normalize import hash_identifier
from uid2_desk.protocol.tokens import (
    IdentityScope,
    IdentityType,
    decrypt_refresh_token,
    encrypt_refresh_token,
    unwrap_refresh_token,
)

START_MS = 1_767_225_600_000
PUBLISHER_SITE, OTHER_SITE = 999, 1001
JANE = hash_identifier("jane@example.com")


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[tuple[TokenIssuer, KeyRing]]:
    store = OperatorStore.open_in(tmp_path)
    lifetimes = Lifetimes.local()
    keys = KeyRing.open(store, lifetimes, [PUBLISHER_SITE, OTHER_SITE], START_MS)
    salts = SaltTable.load_or_create(store, START_MS)
    yield TokenIssuer(keys, salts, OptOutRegistry(store), lifetimes), keys
    store.close()


def _inner(token: str, keys: KeyRing) -> str:
    return unwrap_refresh_token(token, keys.lookup).inner_token


def test_validate_refuses_a_token_issued_to_another_site(
    issuer: tuple[TokenIssuer, KeyRing],
) -> None:
    tokens, _ = issuer
    theirs = tokens.generate(JANE, IdentityType.EMAIL, OTHER_SITE, START_MS)
    assert theirs is not None
    mine = tokens.generate(JANE, IdentityType.EMAIL, PUBLISHER_SITE, START_MS)
    assert mine is not None
    verdict = tokens.validate(theirs.advertising_token, JANE, IdentityType.EMAIL, PUBLISHER_SITE)
    assert verdict is Validation.OTHER_SITE
    own = tokens.validate(mine.advertising_token, JANE, IdentityType.EMAIL, PUBLISHER_SITE)
    assert own is Validation.MATCH


def test_a_refresh_token_refreshes_up_to_its_last_millisecond_and_not_after(
    issuer: tuple[TokenIssuer, KeyRing],
) -> None:
    tokens, keys = issuer
    identity = tokens.generate(JANE, IdentityType.EMAIL, PUBLISHER_SITE, START_MS)
    assert identity is not None
    inner = _inner(identity.refresh_token, keys)
    last = identity.refresh_expires_ms
    assert tokens.refresh(inner, last).outcome is RefreshOutcome.REFRESHED
    assert tokens.refresh(inner, last + 1).outcome is RefreshOutcome.EXPIRED


def test_a_token_that_does_not_decrypt_is_invalid_not_expired(
    issuer: tuple[TokenIssuer, KeyRing],
) -> None:
    tokens, _ = issuer
    assert tokens.refresh("A" * 168, START_MS).outcome is RefreshOutcome.INVALID
    verdict = tokens.validate("A" * 160, JANE, IdentityType.EMAIL, PUBLISHER_SITE)
    assert verdict is Validation.INVALID_TOKEN


def _reissued(inner: str, keys: KeyRing, **changes: object) -> str:
    """The inner refresh token re-encrypted with the same refresh key, some fields changed."""
    contents = decrypt_refresh_token(inner, keys.lookup)
    refresh_key = keys.lookup(contents.refresh_key_id)
    assert refresh_key is not None
    return encrypt_refresh_token(dataclasses.replace(contents, **changes), refresh_key)


def test_a_refresh_token_of_another_scope_is_invalid_here(
    issuer: tuple[TokenIssuer, KeyRing],
) -> None:
    tokens, keys = issuer
    identity = tokens.generate(JANE, IdentityType.EMAIL, PUBLISHER_SITE, START_MS)
    assert identity is not None
    euid = _reissued(_inner(identity.refresh_token, keys), keys, scope=IdentityScope.EUID)
    assert tokens.refresh(euid, START_MS).outcome is RefreshOutcome.INVALID


def test_a_refresh_token_established_before_the_cutoff_is_treated_as_opted_out(
    issuer: tuple[TokenIssuer, KeyRing],
) -> None:
    # The operator's refresh cut-off: identities established before it must sign in again.
    tokens, keys = issuer
    identity = tokens.generate(JANE, IdentityType.EMAIL, PUBLISHER_SITE, START_MS)
    assert identity is not None
    inner = _inner(identity.refresh_token, keys)
    before = _reissued(inner, keys, established_ms=REFRESH_CUTOFF_MS - 1)
    at = _reissued(inner, keys, established_ms=REFRESH_CUTOFF_MS)
    assert tokens.refresh(before, START_MS).outcome is RefreshOutcome.OPTOUT
    assert tokens.refresh(at, START_MS).outcome is RefreshOutcome.REFRESHED
