"""What an :class:`~uid2_desk.client.operator_client.OperatorClient` call returns.

Every call returns an :class:`Outcome`: the :class:`~uid2_desk.protocol.exchange.Exchange`
record (always present, so the journal records failures too) and either a ``value`` or an
``error`` from the desk's error tree. Calls never raise for anything that happened on the
wire; ``outcome.unwrap()`` raises the error for callers that prefer exceptions.

Operator answers that are *not* failures (``optout``, ``insufficient_user_consent``) are
values: :class:`TokenResult` with ``identity`` ``None`` and the status saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from uid2_desk.client.skew import SkewAssessment, assess_skew
from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.tokens import Key, KeyLookup, key_lookup

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The result of one operator call: the exchange, and a value or an error.

    Exactly one of ``value`` and ``error`` is set (``value`` may legitimately be ``False``
    for validate, so test ``error is None`` or :attr:`ok`, not the truthiness of ``value``).

    Attributes:
        exchange: the full record of the HTTP exchange, success or failure.
        value: the parsed result when the call succeeded.
        error: what went wrong, with a message for a person; also in ``exchange.error``.
    """

    exchange: Exchange
    value: T | None = None
    error: Uid2DeskError | None = None

    @property
    def ok(self) -> bool:
        """True when the call produced a value."""
        return self.error is None

    def unwrap(self) -> T:
        """Return the value, or raise the error."""
        if self.error is not None:
            raise self.error
        if self.value is None:  # pragma: no cover - guarded by construction
            raise RuntimeError("an Outcome without error must carry a value")
        return self.value

    @property
    def skew(self) -> SkewAssessment | None:
        """The clock skew the reply shows: from its envelope timestamp, else (refresh and error
        replies) from its ``Date`` header to the second; ``None`` when it showed neither."""
        skew_ms = self.exchange.clock_skew_ms
        return None if skew_ms is None else assess_skew(skew_ms)


class TokenStatus(Enum):
    """The ``status`` of a 200 reply from generate or refresh."""

    SUCCESS = "success"
    OPTOUT = "optout"
    INSUFFICIENT_USER_CONSENT = "insufficient_user_consent"


@dataclass(frozen=True)
class TokenResult:
    """A generate or refresh answer: a new identity, or the reason there is none.

    Attributes:
        status: success, optout, or (EUID) insufficient_user_consent.
        identity: the new identity when ``status`` is SUCCESS, else ``None``.
    """

    status: TokenStatus
    identity: Identity | None = None

    @property
    def is_optout(self) -> bool:
        """True when the user has opted out (no identity may be kept)."""
        return self.status is TokenStatus.OPTOUT


@dataclass(frozen=True)
class SiteData:
    """A site's registered domains (present when client-side generation is enabled)."""

    id: int
    domain_names: tuple[str, ...]


@dataclass(frozen=True)
class KeyBundle:
    """The parsed body of a key-sharing or bidstream reply (uid2-protocol.md §3.7, §3.8).

    Key times are epoch seconds, as on the wire; fields absent from a given endpoint's
    reply are ``None``.
    """

    keys: tuple[Key, ...]
    identity_scope: str
    allow_clock_skew_seconds: int
    caller_site_id: int | None = None
    master_keyset_id: int | None = None
    default_keyset_id: int | None = None
    token_expiry_seconds: int | None = None
    max_sharing_lifetime_seconds: int | None = None
    max_bidstream_lifetime_seconds: int | None = None
    site_data: tuple[SiteData, ...] = ()

    def lookup(self) -> KeyLookup:
        """A key finder for :func:`~uid2_desk.protocol.tokens.decrypt_advertising_token`."""
        return key_lookup(self.keys)


@dataclass(frozen=True)
class OptOutRecord:
    """One opted-out raw UID and when it opted out (epoch ms)."""

    advertising_id: str
    opted_out_since_ms: int


@dataclass(frozen=True)
class OptOutStatus:
    """The reply of ``/v2/optout/status``: only opted-out ids are listed."""

    opted_out: tuple[OptOutRecord, ...]

    def is_opted_out(self, advertising_id: str) -> bool:
        """Whether ``advertising_id`` was reported as opted out."""
        return any(r.advertising_id == advertising_id for r in self.opted_out)
