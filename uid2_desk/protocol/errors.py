"""The one exception tree of UID2 Desk.

Every error the desk raises on purpose derives from :class:`Uid2DeskError`, and every message
is written for the person at the keyboard: what went wrong and what to try next. Low-level
exceptions (``binascii.Error``, ``cryptography.exceptions.InvalidTag``, ``httpx.TimeoutException``,
``sqlite3.Error``...) are translated into this tree at one boundary each and never leak.

::

    Uid2DeskError
    ├── InputError                      the user typed something the protocol cannot use
    │   ├── InvalidEmailError
    │   ├── InvalidPhoneError
    │   └── InvalidHashError
    ├── ProtocolError                   bytes that do not parse as what they claim to be
    │   ├── EnvelopeError               envelope too short, bad version, not base64 (has .reason)
    │   ├── DecryptionError             AES-GCM authentication failed: wrong key or tampered bytes
    │   ├── NonceMismatchError          the reply does not echo our request's nonce
    │   ├── PayloadError                decrypted bytes are not the JSON we expected
    │   ├── TokenFormatError            an advertising or refresh token is malformed
    │   └── TokenDecryptError           a well-formed token cannot be opened (has .reason)
    ├── OperatorError                   the operator answered, not with success (has .status)
    │   ├── UnauthorizedError           HTTP 401: API key unknown or lacks the role
    │   ├── OperatorClientError         HTTP 400: client_error, invalid_token, expired_token, error
    │   └── OperatorServerError         HTTP 5xx
    ├── TransportError                  no usable answer at all
    │   ├── OperatorTimeoutError
    │   └── OperatorUnreachableError
    ├── ClockSkewError                  the desk's and the operator's clocks disagree too much
    ├── CredentialsError                API key or secret missing or unusable
    │   └── KeychainUnavailableError    no OS keychain backend on this machine
    ├── EnvironmentMismatchError        identity used against another environment
    ├── StorageError                    the desk's own database cannot be read or written
    ├── ScenarioError                   a scenario definition is invalid
    └── OperatorStateError              the local operator's own state cannot serve a request
"""

from __future__ import annotations

from enum import Enum


class Uid2DeskError(Exception):
    """Base of every error UID2 Desk raises on purpose; ``str(err)`` is a user-facing message."""


class InputError(Uid2DeskError, ValueError):
    """Input typed by a person cannot be used; the message says what a valid one looks like."""


class InvalidEmailError(InputError):
    """An email address that the operator's normaliser would reject."""


class InvalidPhoneError(InputError):
    """A phone number that is not E.164 (``+`` then 10 to 15 digits)."""


class InvalidHashError(InputError):
    """A hash that is neither 44-char base64 nor 64-char hex of 32 bytes."""


class ProtocolError(Uid2DeskError):
    """Bytes that do not parse as the protocol structure they are supposed to be."""


class EnvelopeReason(Enum):
    """Why an envelope could not be parsed; the local operator maps each to its exact message."""

    MISSING = "missing"
    NOT_BASE64 = "not_base64"
    TOO_SHORT = "too_short"
    BAD_VERSION = "bad_version"
    UNENCRYPTED_JSON = "unencrypted_json"


class EnvelopeError(ProtocolError):
    """An envelope that is structurally wrong.

    Attributes:
        reason: the machine-readable cause.
        version: the version byte received, for ``BAD_VERSION``.
    """

    def __init__(self, message: str, reason: EnvelopeReason, version: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.version = version


class DecryptionError(ProtocolError):
    """AES-GCM refused the bytes: the key is wrong or the data was altered."""


class NonceMismatchError(ProtocolError):
    """The reply's echoed nonce differs from the one the request carried."""


class PayloadError(ProtocolError):
    """Decrypted bytes are not the JSON document the protocol promises."""


class TokenFormatError(ProtocolError):
    """A token string is malformed: wrong alphabet, length or header."""


class TokenDecryptReason(Enum):
    """Why a well-formed token could not be decrypted (names follow the official SDKs)."""

    NOT_AUTHORIZED_FOR_MASTER_KEY = "not_authorized_for_master_key"
    NOT_AUTHORIZED_FOR_KEY = "not_authorized_for_key"
    VERSION_NOT_SUPPORTED = "version_not_supported"
    INVALID_PAYLOAD = "invalid_payload"
    EXPIRED_TOKEN = "expired_token"


class TokenDecryptError(ProtocolError):
    """A token that is well formed but cannot be opened with the keys at hand.

    Attributes:
        reason: the machine-readable cause.
    """

    def __init__(self, message: str, reason: TokenDecryptReason) -> None:
        super().__init__(message)
        self.reason = reason


class OperatorError(Uid2DeskError):
    """The operator answered with something other than success.

    Attributes:
        status: the operator's ``status`` string (``client_error``, ``unauthorized``...), if any.
        http_status: the HTTP status code.
        operator_message: the operator's ``message`` field, verbatim, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status: str | None,
        http_status: int,
        operator_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.http_status = http_status
        self.operator_message = operator_message


class UnauthorizedError(OperatorError):
    """HTTP 401: the API key is unknown, revoked, or lacks the role this endpoint needs."""


class OperatorClientError(OperatorError):
    """HTTP 400: the operator rejected the request (bad envelope, bad identifier, bad token)."""


class OperatorServerError(OperatorError):
    """HTTP 5xx: the operator failed; retrying later may help."""


class TransportError(Uid2DeskError):
    """No usable HTTP answer arrived."""


class OperatorTimeoutError(TransportError):
    """The operator did not answer within the time limit."""


class OperatorUnreachableError(TransportError):
    """The connection could not be made or was dropped."""


class ClockSkewError(Uid2DeskError):
    """The desk's clock and the operator's differ by more than the envelope window allows."""


class CredentialsError(Uid2DeskError):
    """API key or client secret missing or unusable."""


class KeychainUnavailableError(CredentialsError):
    """No OS keychain backend exists here; secrets can only be kept for this session."""


class EnvironmentMismatchError(Uid2DeskError):
    """An identity issued by one environment was about to be used against another."""


class StorageError(Uid2DeskError):
    """The desk's own SQLite database could not be read or written."""


class ScenarioError(Uid2DeskError):
    """A scenario definition is malformed or names something that does not exist."""


class OperatorStateError(Uid2DeskError):
    """The local operator's own state cannot serve a request (say, no key for a site)."""
