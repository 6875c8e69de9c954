"""What the operator decides for a DII: opted out or not, and the identity it issues.

Mirrors ``UIDOperatorService`` (uid2-protocol.md §3.1-3.3, §4): v4 advertising tokens under
the master key and the publisher's site key (privacy bits 1) carrying a v2 raw UID (32 bytes,
see :mod:`~uid2_desk.operator.state.salts`), a v3 inner refresh token inside
the 388-character wrapper with a fresh ``refresh_response_key`` every time, and the test
identities as the operator's *code* defines them (``+00000000000`` opts out on generate,
``+00000000002`` on refresh only, ``+12345678901`` never), ahead of any stored opt-out.
"""

from __future__ import annotations

import base64

from uid2_desk.operator.issue_results import MappedId, RefreshOutcome, RefreshResult, Validation
from uid2_desk.operator.state.keys import KeyRing
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.operator.state.optouts import OptOutRegistry, StoredOptOut
from uid2_desk.operator.state.salts import SaltTable
from uid2_desk.protocol.crypto import KEY_LENGTH, random_bytes
from uid2_desk.protocol.errors import DecryptionError, TokenDecryptError, TokenFormatError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import hash_identifier
from uid2_desk.protocol.tokens import (
    AdvertisingTokenContents,
    IdentityScope,
    IdentityType,
    OperatorIdentity,
    PublisherIdentity,
    RefreshTokenContents,
    TokenVersion,
    decrypt_advertising_token,
    decrypt_refresh_token,
    encrypt_advertising_token,
    encrypt_refresh_token,
    wrap_refresh_token,
)

#: Server-side generated tokens carry the legacy bit only (OP ``PrivacyBits``).
SERVER_SIDE_PRIVACY_BITS = 1
#: Identities established before 2021-03-08T17:00Z are refused on refresh ("deprecated").
REFRESH_CUTOFF_MS = 1_615_222_800_000
#: The operator that issues our tokens: a "Service" operator (type 1).
LOCAL_OPERATOR = OperatorIdentity(site_id=1, operator_type=1, version=0, key_id=0)

NEVER_OPTED_OUT = ("validate@example.com", "+12345678901")
OPTOUT_ON_GENERATE = ("optout@example.com", "+00000000000")
OPTOUT_ON_REFRESH = ("refresh-optout@example.com", "+00000000002")


def _first_level_hashes(salts: SaltTable, identities: tuple[str, ...]) -> frozenset[bytes]:
    return frozenset(salts.first_level_hash(hash_identifier(dii)) for dii in identities)


class TokenIssuer:
    """Issues, refreshes and validates identities for one operator."""

    def __init__(
        self,
        keys: KeyRing,
        salts: SaltTable,
        optouts: OptOutRegistry,
        lifetimes: Lifetimes,
        scope: IdentityScope = IdentityScope.UID2,
    ) -> None:
        self._keys = keys
        self._salts = salts
        self._optouts = optouts
        self._lifetimes = lifetimes
        self.scope = scope
        # By first-level hash, as the operator matches them (generate and refresh alike).
        self._never_opted_out = _first_level_hashes(salts, NEVER_OPTED_OUT)
        self._optout_on_generate = _first_level_hashes(salts, OPTOUT_ON_GENERATE)
        self._optout_on_refresh = _first_level_hashes(salts, OPTOUT_ON_REFRESH)

    @property
    def lifetimes(self) -> Lifetimes:
        """The durations identities are issued with."""
        return self._lifetimes

    def advertising_id(self, identity_hash: str, identity_type: IdentityType) -> str:
        """The base64 raw UID a DII (given by its base64 SHA-256) maps to today."""
        flh = self._salts.first_level_hash(identity_hash)
        return base64.b64encode(self._salts.raw_uid(flh)).decode()

    @property
    def salt_buckets_updated_ms(self) -> tuple[int, ...]:
        """When each salt bucket was last updated (epoch ms), by bucket number."""
        return self._salts.last_updated_ms

    def map_identity(self, identity_hash: str, identity_type: IdentityType) -> MappedId | None:
        """The raw UID and salt bucket of a DII, or ``None`` if it opted out (identity map)."""
        if self.is_opted_out(identity_hash):
            return None
        flh = self._salts.first_level_hash(identity_hash)
        raw_uid = self._salts.raw_uid(flh)
        return MappedId(base64.b64encode(raw_uid).decode(), self._salts.bucket_of(flh))

    def is_opted_out(self, identity_hash: str) -> bool:
        """Whether generate answers ``optout`` for this DII."""
        flh = self._salts.first_level_hash(identity_hash)
        rule = self._test_identity_rule(flh, for_refresh=False)
        if rule is not None:
            return rule
        return self._optouts.for_first_level_hash(flh) is not None

    def _test_identity_rule(self, first_level_hash: bytes, *, for_refresh: bool) -> bool | None:
        """The test identities' fixed answer (opted out or not), ``None`` for everyone else.

        Mirrors ``getGlobalOptOutResult``: checked before the opt-out store, so a stored
        opt-out never changes what a test identity does.
        """
        if first_level_hash in self._optout_on_refresh:
            return for_refresh
        if first_level_hash in self._never_opted_out:
            return False
        if first_level_hash in self._optout_on_generate:
            return True
        return None

    def generate(
        self,
        identity_hash: str,
        identity_type: IdentityType,
        site_id: int,
        now_ms: int,
        *,
        legacy_v1: bool = False,
        privacy_bits: int = SERVER_SIDE_PRIVACY_BITS,
    ) -> Identity | None:
        """A new identity for the publisher of ``site_id``, or ``None`` if opted out.

        ``privacy_bits`` go into both tokens (client-side generation sets its own bit).
        ``legacy_v1`` issues as ``/v1/token/generate`` did (UOV at 3b175ce1): no opt-out
        check at all (``OptoutCheckPolicy.defaultPolicy()`` is ``DoNotRespect``), and the raw
        inner refresh token without a ``refresh_response_key``.
        Raises :class:`~uid2_desk.operator.state.keys.NoActiveKeyError` if the site has no key.
        """
        if not legacy_v1 and self.is_opted_out(identity_hash):
            return None
        flh = self._salts.first_level_hash(identity_hash)
        publisher = PublisherIdentity(site_id=site_id)
        return self._issue(
            flh,
            identity_type,
            publisher=publisher,
            established_ms=now_ms,
            now_ms=now_ms,
            privacy_bits=privacy_bits,
            wrap=not legacy_v1,
        )

    def refresh(self, inner_token: str, now_ms: int, *, wrap: bool = True) -> RefreshResult:
        """Refresh with an inner (168-character) refresh token.

        Without ``wrap`` the new identity carries the raw inner refresh token (v1).
        """
        try:
            token = decrypt_refresh_token(inner_token, self._keys.lookup)
        except (TokenFormatError, TokenDecryptError, DecryptionError):
            return RefreshResult(RefreshOutcome.INVALID)
        if token.scope is not self.scope:
            return RefreshResult(RefreshOutcome.INVALID)
        if token.established_ms < REFRESH_CUTOFF_MS:
            return RefreshResult(RefreshOutcome.OPTOUT)
        if token.expires_ms < now_ms:
            return RefreshResult(RefreshOutcome.EXPIRED)
        flh = token.first_level_hash
        rule = self._test_identity_rule(flh, for_refresh=True)
        if rule:
            return RefreshResult(RefreshOutcome.OPTOUT)
        # Any opt-out entry refuses the refresh, whenever the identity was established:
        # UIDOperatorService.refreshIdentity compares no times (since commit 9cfc29e7, 2023).
        if rule is None and self._optouts.for_first_level_hash(flh) is not None:
            return RefreshResult(RefreshOutcome.OPTOUT)
        identity = self._issue(
            flh,
            token.identity_type,
            publisher=token.publisher,
            established_ms=token.established_ms,
            now_ms=now_ms,
            privacy_bits=token.privacy_bits,
            wrap=wrap,
        )
        return RefreshResult(RefreshOutcome.REFRESHED, identity)

    def optout_record(self, advertising_id: str) -> StoredOptOut | None:
        """The opt-out of the DII behind a raw UID, if it opted out."""
        return self._optouts.for_advertising_id(advertising_id)

    def opt_out(self, identity_hash: str, identity_type: IdentityType, now_ms: int) -> StoredOptOut:
        """Record that this DII opted out at ``now_ms``."""
        flh = self._salts.first_level_hash(identity_hash)
        advertising_id = base64.b64encode(self._salts.raw_uid(flh)).decode()
        return self._optouts.record(flh, advertising_id, identity_type, now_ms)

    def validate(
        self, token: str, identity_hash: str, identity_type: IdentityType, caller_site_id: int
    ) -> Validation:
        """Whether ``token`` was issued for this DII (to a caller of ``caller_site_id``)."""
        try:
            contents = decrypt_advertising_token(token, self._keys.lookup)
        except (TokenFormatError, TokenDecryptError, DecryptionError):
            return Validation.INVALID_TOKEN
        site_key = self._keys.lookup(contents.site_key_id)
        if site_key is None or site_key.site_id != caller_site_id:
            return Validation.OTHER_SITE
        # Only the raw UIDs are compared (validateAdvertisingToken), not the identity types.
        expected = self._salts.raw_uid(self._salts.first_level_hash(identity_hash))
        return Validation.MATCH if contents.raw_uid == expected else Validation.MISMATCH

    def _issue(
        self,
        first_level_hash: bytes,
        identity_type: IdentityType,
        *,
        publisher: PublisherIdentity,
        established_ms: int,
        now_ms: int,
        privacy_bits: int,
        wrap: bool,
    ) -> Identity:
        life = self._lifetimes
        master = self._keys.master_key(now_ms)
        site = self._keys.site_key(publisher.site_id, now_ms)
        refresh_key = self._keys.refresh_key(now_ms)
        advertising = AdvertisingTokenContents(
            version=TokenVersion.V4,
            scope=self.scope,
            identity_type=identity_type,
            raw_uid=self._salts.raw_uid(first_level_hash),
            expires_ms=now_ms + life.identity_ms,
            generated_ms=now_ms,
            established_ms=established_ms,
            refreshed_ms=now_ms,
            privacy_bits=privacy_bits,
            operator=LOCAL_OPERATOR,
            publisher=publisher,
            master_key_id=master.id,
            site_key_id=site.id,
        )
        refresh = RefreshTokenContents(
            scope=self.scope,
            identity_type=identity_type,
            expires_ms=now_ms + life.refresh_ms,
            created_ms=now_ms,
            operator=LOCAL_OPERATOR,
            publisher=publisher,
            privacy_bits=privacy_bits,
            established_ms=established_ms,
            first_level_hash=first_level_hash,
            refresh_key_id=refresh_key.id,
        )
        inner = encrypt_refresh_token(refresh, refresh_key)
        response_key = random_bytes(KEY_LENGTH) if wrap else None
        return Identity(
            advertising_token=encrypt_advertising_token(advertising, master, site),
            refresh_token=(
                inner
                if response_key is None
                else wrap_refresh_token(inner, response_key, refresh_key, self.scope)
            ),
            identity_expires_ms=now_ms + life.identity_ms,
            refresh_expires_ms=now_ms + life.refresh_ms,
            refresh_from_ms=now_ms + life.refresh_from_ms,
            refresh_response_key=response_key,
        )
