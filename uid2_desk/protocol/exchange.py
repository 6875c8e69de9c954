"""The record of one HTTP exchange with an operator, as the desk shows and journals it.

An :class:`Exchange` is built by the client layer for every call, successful or not, and is
the unit the journal stores, the log lists, the inspector opens and the exports write.
Secrets never enter it: the ``Authorization`` header is masked before the record is built.
"""

from __future__ import annotations

import email.utils
import math
from dataclasses import dataclass, field
from datetime import UTC


@dataclass(frozen=True)
class EnvelopeParts:
    """The fields of a v2 request or response envelope, for byte-by-byte display.

    ``version`` is ``None`` for response envelopes (they carry no version byte);
    ``timestamp_ms`` and ``nonce`` are ``None`` for refresh replies (they carry neither).
    """

    version: int | None
    iv: bytes
    ciphertext: bytes
    tag: bytes
    timestamp_ms: int | None
    nonce: bytes | None


@dataclass(frozen=True)
class Timings:
    """How long the exchange took, in milliseconds (``None`` where not measured)."""

    total_ms: float
    connect_ms: float | None = None
    send_ms: float | None = None
    wait_ms: float | None = None
    receive_ms: float | None = None


@dataclass(frozen=True)
class Exchange:
    """One request to an operator and what came back.

    Attributes:
        endpoint: the path, e.g. ``/v2/token/generate``.
        url: the full URL requested.
        started_ms: desk clock (epoch ms) when the request was sent.
        request_headers: headers sent, ``Authorization`` masked.
        request_plaintext: the JSON text inside the envelope (or the refresh token for refresh).
        request_body: the bytes on the wire.
        request_envelope: the parsed request envelope, if one was sent.
        http_status: the HTTP status, or ``None`` when no answer arrived.
        response_headers: headers received.
        response_body: the raw reply bytes.
        response_envelope: the parsed reply envelope, if the reply was encrypted.
        response_plaintext: the decrypted (or plain) reply JSON text, if any.
        nonce_ok: whether the reply echoed our nonce (``None`` where not applicable).
        operator_status: the ``status`` field of the reply, e.g. ``success`` or ``optout``.
        server_time_ms: the operator's clock, from the reply envelope timestamp.
        server_date: the reply's ``Date`` header, verbatim (the operator's clock to the second;
            the only clock reading in refresh replies and in plain-JSON error replies).
        error: our user-facing error message, when the exchange failed.
        timings: how long it took.
    """

    endpoint: str
    url: str
    started_ms: int
    timings: Timings
    method: str = "POST"
    request_headers: tuple[tuple[str, str], ...] = ()
    request_plaintext: str | None = None
    request_body: bytes = b""
    request_envelope: EnvelopeParts | None = None
    http_status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: bytes = b""
    response_envelope: EnvelopeParts | None = None
    response_plaintext: str | None = None
    nonce_ok: bool | None = None
    operator_status: str | None = None
    server_time_ms: int | None = None
    server_date: str | None = None
    error: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the operator answered 200 and we could read the answer."""
        return self.http_status == 200 and self.error is None

    @property
    def server_date_ms(self) -> int | None:
        """The ``Date`` header as epoch ms (whole seconds), or ``None`` if absent or unreadable."""
        if not self.server_date:
            return None
        try:
            when = email.utils.parsedate_to_datetime(self.server_date)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # "-0000": RFC 5322's "UTC, but the zone is unknown"
            when = when.replace(tzinfo=UTC)
        return int(when.timestamp()) * 1000

    @property
    def clock_skew_ms(self) -> int | None:
        """Operator clock minus desk clock, in ms, if the reply told (NTP-style midpoint).

        The operator read its clock somewhere between the request leaving and the reply
        arriving; the best guess is the middle of the round trip, so the reading is compared
        with ``started_ms + total_ms / 2`` (a slow round trip is not mistaken for skew), and
        :attr:`clock_skew_uncertainty_ms` says how far off that guess can be.
        From the reply envelope's timestamp when there is one (millisecond resolution).
        Otherwise (refresh replies and error replies carry no envelope timestamp) from the
        ``Date`` header, which has **1-second resolution**: its whole seconds are compared with
        the whole second of the midpoint, so the value is a multiple of 1000 and only good to
        about ±1 s. :attr:`clock_skew_resolution_ms` says which it is.
        ``None`` when the reply had neither (no answer, or no readable ``Date``).
        """
        midpoint_ms = self.started_ms + round(self.timings.total_ms / 2)
        if self.server_time_ms is not None:
            return self.server_time_ms - midpoint_ms
        date_ms = self.server_date_ms
        if date_ms is None:
            return None
        return date_ms - midpoint_ms // 1000 * 1000

    @property
    def clock_skew_uncertainty_ms(self) -> int | None:
        """How far :attr:`clock_skew_ms` may be off: half the round trip (plus 1 s of ``Date``)."""
        resolution = self.clock_skew_resolution_ms
        if resolution is None:
            return None
        half_trip = math.ceil(self.timings.total_ms / 2)
        return half_trip + (resolution if resolution > 1 else 0)

    @property
    def clock_skew_resolution_ms(self) -> int | None:
        """How fine :attr:`clock_skew_ms` is, in ms: 1 (envelope), 1000 (``Date``) or ``None``."""
        if self.server_time_ms is not None:
            return 1
        return None if self.server_date_ms is None else 1000
