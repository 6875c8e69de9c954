"""The identity a publisher holds for a user, and where it stands at a given instant.

uid2-protocol.md §3.1 gives the body of a successful generate or refresh; §7 how clients
age it. Every time is epoch **milliseconds**, as on the wire (the official Python SDK
compares them with seconds and so never sees an identity as due or expired; we must not
repeat that). "Passed" means ``instant <= now``, as in the JS SDK.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from enum import StrEnum

from uid2_desk.protocol.crypto import KEY_LENGTH
from uid2_desk.protocol.errors import PayloadError

_TEXT_FIELDS = ("advertising_token", "refresh_token")
_TIME_FIELDS = ("identity_expires", "refresh_expires", "refresh_from")


@dataclass(frozen=True)
class Identity:
    """An identity as the operator issues it.

    Attributes:
        advertising_token: the token to put in the bidstream.
        refresh_token: the opaque 388-character token to refresh with.
        identity_expires_ms: when the advertising token stops being valid.
        refresh_expires_ms: when the refresh token stops working.
        refresh_from_ms: from when a refresh is due.
        refresh_response_key: the 32-byte key the next refresh reply is encrypted with, or
            ``None`` when the body carried none (replies are then plain JSON).
    """

    advertising_token: str
    refresh_token: str
    identity_expires_ms: int
    refresh_expires_ms: int
    refresh_from_ms: int
    refresh_response_key: bytes | None = field(default=None, repr=False)

    @classmethod
    def from_body(cls, body: object) -> Identity:
        """Read the ``body`` object of a success reply; raise :class:`PayloadError` naming
        the first missing or mistyped field."""
        if not isinstance(body, dict):
            raise PayloadError(
                f"the identity must be a JSON object, got {_json_type(body)}; the reply is not "
                "a token body"
            )
        texts = {name: _text(body, name) for name in _TEXT_FIELDS}
        times = {name: _millis(body, name) for name in _TIME_FIELDS}
        return cls(
            advertising_token=texts["advertising_token"],
            refresh_token=texts["refresh_token"],
            identity_expires_ms=times["identity_expires"],
            refresh_expires_ms=times["refresh_expires"],
            refresh_from_ms=times["refresh_from"],
            refresh_response_key=_response_key(body),
        )

    def to_body(self) -> dict[str, object]:
        """The body as the operator writes it, keys in the operator's order."""
        body: dict[str, object] = {
            "advertising_token": self.advertising_token,
            "refresh_token": self.refresh_token,
            "identity_expires": self.identity_expires_ms,
            "refresh_expires": self.refresh_expires_ms,
            "refresh_from": self.refresh_from_ms,
        }
        if self.refresh_response_key is not None:
            body["refresh_response_key"] = base64.b64encode(self.refresh_response_key).decode(
                "ascii"
            )
        return body


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _text(body: dict[object, object], name: str) -> str:
    if name not in body:
        raise PayloadError(f"the identity has no '{name}'")
    value = body[name]
    if not isinstance(value, str) or not value:
        raise PayloadError(
            f"'{name}' in the identity must be a non-empty string, got {_json_type(value)}"
        )
    return value


def _millis(body: dict[object, object], name: str) -> int:
    if name not in body:
        raise PayloadError(f"the identity has no '{name}'")
    value = body[name]
    # bool is an int in Python but never a timestamp in JSON.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(
            f"'{name}' in the identity must be an integer (epoch milliseconds), "
            f"got {_json_type(value)}"
        )
    return value


def _response_key(body: dict[object, object]) -> bytes | None:
    value = body.get("refresh_response_key")
    if value is None:
        return None
    if not isinstance(value, str):
        raise PayloadError(
            f"'refresh_response_key' in the identity must be a base64 string, got "
            f"{_json_type(value)}"
        )
    try:
        key = base64.b64decode(value, validate=True) if value.isascii() else b""
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_LENGTH:
        raise PayloadError(
            f"'refresh_response_key' in the identity must be base64 of {KEY_LENGTH} bytes "
            "(an AES-256 key); the identity is damaged"
        )
    return key


class IdentityPhase(StrEnum):
    """Where an identity stands at an instant."""

    FRESH = "fresh"
    """Valid, and not yet due for refresh."""
    REFRESH_DUE = "refresh_due"
    """Valid, but ``refresh_from`` has passed: refresh now."""
    EXPIRED = "expired"
    """The advertising token has expired; the refresh token still works."""
    REFRESH_EXPIRED = "refresh_expired"
    """The refresh token has expired too: the user must sign in again."""


@dataclass(frozen=True)
class Countdowns:
    """Milliseconds from an instant to each deadline; zero or negative means passed."""

    to_refresh_from_ms: int
    to_identity_expires_ms: int
    to_refresh_expires_ms: int


def phase_at(identity: Identity, now_ms: int) -> IdentityPhase:
    """The phase of ``identity`` at ``now_ms``; a deadline equal to now counts as passed."""
    if identity.refresh_expires_ms <= now_ms:
        return IdentityPhase.REFRESH_EXPIRED
    if identity.identity_expires_ms <= now_ms:
        return IdentityPhase.EXPIRED
    if identity.refresh_from_ms <= now_ms:
        return IdentityPhase.REFRESH_DUE
    return IdentityPhase.FRESH


def countdowns(identity: Identity, now_ms: int) -> Countdowns:
    """Time left until each of the identity's deadlines, seen from ``now_ms``."""
    return Countdowns(
        to_refresh_from_ms=identity.refresh_from_ms - now_ms,
        to_identity_expires_ms=identity.identity_expires_ms - now_ms,
        to_refresh_expires_ms=identity.refresh_expires_ms - now_ms,
    )
