"""What the token issuer answers: a refresh's outcome, a mapped id, a validation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from uid2_desk.protocol.identity import Identity


class RefreshOutcome(Enum):
    """How a refresh ends (the operator's ``RefreshResponse`` states)."""

    REFRESHED = "refreshed"
    OPTOUT = "optout"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class RefreshResult:
    """The outcome of a refresh and, when refreshed, the new identity."""

    outcome: RefreshOutcome
    identity: Identity | None = None


@dataclass(frozen=True)
class MappedId:
    """A DII's raw UID (base64) and the salt bucket that made it."""

    advertising_id: str
    bucket: int


class Validation(Enum):
    """What ``/v2/token/validate`` finds."""

    MATCH = "match"
    MISMATCH = "mismatch"
    INVALID_TOKEN = "invalid_token"
    OTHER_SITE = "other_site"
