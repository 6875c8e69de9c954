"""What the token issuer puts in an identity, and what a stored opt-out changes (issue 19).

Written against survivors of a whole-module mutation run of ``operator/issuer``: the times an
identity carries, the fields inside its advertising token, wrapped and legacy refresh tokens,
the raw UID a DII maps to, and stored opt-outs on generate, refresh and status. The issuer is
built from the operator's own parts on a fresh data dir; times are explicit.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from uid2_desk.operator.issue_results import RefreshOutcome, Validation
from uid2_desk.operator.issuer import LOCAL_OPERATOR, TokenIssuer
from uid2_desk.operator.state.keys import KeyRing
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.operator.state.optouts import OptOutRegistry, StoredOptOut
from uid2_desk.operator.state.salts import SaltTable
from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import hash_identifier
from uid2_desk.protocol.tokens import (
    IdentityScope,
    IdentityType,
    TokenVersion,
    decrypt_advertising_token,
    decrypt_refresh_token,
    unwrap_refresh_token,
)

START_MS = 1_767_225_600_000
LATER_MS = START_MS + 20 * 60 * 1000  # past refresh_from (15 min), before expiry (1 h)
SITE = 999
JANE = hash_identifier("jane@example.com")
JOHN = hash_identifier("john@example.com")
LIFE = Lifetimes.local()


@dataclass(frozen=True)
class Parts:
    """The issuer and the operator state it was built on."""

    issuer: TokenIssuer
    keys: KeyRing
    salts: SaltTable


@pytest.fixture
def parts(tmp_path: Path) -> Iterator[Parts]:
    store = OperatorStore.open_in(tmp_path)
    keys = KeyRing.open(store, LIFE, [SITE], START_MS)
    salts = SaltTable.load_or_create(store, START_MS)
    yield Parts(TokenIssuer(keys, salts, OptOutRegistry(store), LIFE), keys, salts)
    store.close()


def _generate(parts: Parts, dii_hash: str = JANE, **kwargs: bool) -> Identity:
    identity = parts.issuer.generate(dii_hash, IdentityType.EMAIL, SITE, START_MS, **kwargs)
    assert identity is not None
    return identity


def _inner(identity: Identity, keys: KeyRing) -> str:
    return unwrap_refresh_token(identity.refresh_token, keys.lookup).inner_token


def test_an_identity_expires_and_is_due_for_refresh_after_the_configured_lifetimes(
    parts: Parts,
) -> None:
    identity = _generate(parts)
    assert identity.refresh_from_ms == START_MS + LIFE.refresh_from_ms
    assert identity.identity_expires_ms == START_MS + LIFE.identity_ms
    assert identity.refresh_expires_ms == START_MS + LIFE.refresh_ms


def test_the_advertising_token_carries_the_identity_s_expiry_times_site_and_raw_uid(
    parts: Parts,
) -> None:
    identity = _generate(parts)
    contents = decrypt_advertising_token(identity.advertising_token, parts.keys.lookup)
    assert contents.version is TokenVersion.V4
    assert (contents.scope, contents.identity_type) == (IdentityScope.UID2, IdentityType.EMAIL)
    assert contents.expires_ms == identity.identity_expires_ms
    assert (contents.generated_ms, contents.established_ms) == (START_MS, START_MS)
    assert contents.refreshed_ms == START_MS
    assert (contents.privacy_bits, contents.operator) == (1, LOCAL_OPERATOR)
    assert contents.publisher.site_id == SITE
    assert contents.master_key_id == parts.keys.master_key(START_MS).id
    assert contents.site_key_id == parts.keys.site_key(SITE, START_MS).id
    expected_uid = parts.salts.raw_uid(parts.salts.first_level_hash(JANE))
    assert contents.raw_uid == expected_uid


def test_a_v2_identity_has_a_wrapped_refresh_token_and_a_response_key(parts: Parts) -> None:
    identity = _generate(parts)
    assert identity.refresh_response_key is not None
    assert len(identity.refresh_response_key) == 32
    assert len(identity.refresh_token) == 388


def test_a_legacy_v1_identity_carries_the_raw_inner_refresh_token_and_no_response_key(
    parts: Parts,
) -> None:
    identity = _generate(parts, legacy_v1=True)
    assert identity.refresh_response_key is None
    assert len(identity.refresh_token) == 168
    inner = decrypt_refresh_token(identity.refresh_token, parts.keys.lookup)
    assert inner.refresh_key_id == parts.keys.refresh_key(START_MS).id


def test_a_refresh_wraps_its_new_refresh_token_unless_told_not_to(parts: Parts) -> None:
    inner = _inner(_generate(parts), parts.keys)
    wrapped = parts.issuer.refresh(inner, LATER_MS)
    assert wrapped.outcome is RefreshOutcome.REFRESHED
    assert wrapped.identity is not None
    assert wrapped.identity.refresh_response_key is not None
    assert len(wrapped.identity.refresh_token) == 388
    raw = parts.issuer.refresh(inner, LATER_MS, wrap=False)
    assert raw.identity is not None
    assert raw.identity.refresh_response_key is None
    assert len(raw.identity.refresh_token) == 168


def test_the_advertising_id_of_a_dii_is_the_raw_uid_in_its_tokens(parts: Parts) -> None:
    contents = decrypt_advertising_token(_generate(parts).advertising_token, parts.keys.lookup)
    expected = base64.b64encode(contents.raw_uid).decode()
    assert parts.issuer.advertising_id(JANE, IdentityType.EMAIL) == expected
    assert parts.issuer.advertising_id(JOHN, IdentityType.EMAIL) != expected


def test_identity_map_gives_the_raw_uid_in_the_dii_s_tokens_and_its_salt_bucket(
    parts: Parts,
) -> None:
    contents = decrypt_advertising_token(_generate(parts).advertising_token, parts.keys.lookup)
    mapped = parts.issuer.map_identity(JANE, IdentityType.EMAIL)
    assert mapped is not None
    assert mapped.advertising_id == base64.b64encode(contents.raw_uid).decode()
    assert mapped.bucket == parts.salts.bucket_of(parts.salts.first_level_hash(JANE))


def test_a_stored_opt_out_refuses_generate_and_refresh_and_is_found_by_advertising_id(
    parts: Parts,
) -> None:
    inner = _inner(_generate(parts), parts.keys)
    advertising_id = parts.issuer.advertising_id(JANE, IdentityType.EMAIL)
    assert parts.issuer.optout_record(advertising_id) is None
    recorded = parts.issuer.opt_out(JANE, IdentityType.EMAIL, LATER_MS)
    assert recorded == StoredOptOut(advertising_id, IdentityType.EMAIL, LATER_MS)
    assert parts.issuer.optout_record(advertising_id) == recorded
    assert parts.issuer.is_opted_out(JANE)
    assert parts.issuer.generate(JANE, IdentityType.EMAIL, SITE, LATER_MS) is None
    assert parts.issuer.refresh(inner, LATER_MS).outcome is RefreshOutcome.OPTOUT
    # Someone else is not affected.
    assert not parts.issuer.is_opted_out(JOHN)


def test_the_refresh_optout_test_identity_generates_but_never_refreshes(parts: Parts) -> None:
    dii = hash_identifier("refresh-optout@example.com")
    inner = _inner(_generate(parts, dii), parts.keys)
    assert parts.issuer.refresh(inner, LATER_MS).outcome is RefreshOutcome.OPTOUT


def test_validate_finds_a_mismatch_when_the_token_is_another_dii_s(parts: Parts) -> None:
    token = _generate(parts, JOHN).advertising_token
    verdict = parts.issuer.validate(token, JANE, IdentityType.EMAIL, SITE)
    assert verdict is Validation.MISMATCH
    assert parts.issuer.validate(token, JOHN, IdentityType.EMAIL, SITE) is Validation.MATCH
