"""The record of one HTTP exchange with an operator, as the desk shows and journals it.

An :class:`Exchange` is built by the client layer for every call, successful or not, and is
the unit the journal stores, the log lists, the inspector opens and the exports write.
Secrets never enter it: the ``Authorization`` header is masked before the record is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
        server_date: the reply's ``Date`` header, verbatim.
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
    def clock_skew_ms(self) -> int | None:
        """Operator clock minus desk clock at send time, when the reply carried a timestamp."""
        if self.server_time_ms is None:
            return None
        return self.server_time_ms - self.started_ms
