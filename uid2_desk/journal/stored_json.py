"""The journal's stored form of an exchange (codec ``"format": 2``), written as JSON text directly.

:func:`stored_json` writes exactly the text ``json`` would write for
:func:`~uid2_desk.journal.codec.stored_document` (compact separators, no ASCII escaping, the
same key order): the same bytes, in a third of the time. Under a burst of appends, encoding
each exchange was the largest single part of the event loop's work per append (a generate:
16 µs through a dict and ``json``'s encoder, 6 µs here), and it runs holding Python's lock.

Where the time went: the encoder escapes every string character by character, builds a
container per header pair, and its dict of the document had to be made first. Here each
string goes through the same escaping function ``json`` uses (so the text is the same), the
fixed keys are literal text, and a body that is standard base64 (every v2 envelope's, checked
by decoding it strictly, as the envelope pointer needs anyway) is copied without escaping:
its alphabet (``A-Z a-z 0-9 + / =``) holds nothing JSON escapes. Anything unusual (a header
that is not text, a float JSON has no literal for) goes through ``json``'s own encoder.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from json.encoder import encode_basestring
from typing import Any

from uid2_desk.protocol.exchange import EnvelopeParts, Exchange

#: ``"format"`` of the stored form: envelopes may point into their body.
STORED_FORMAT = 2
#: Made once: ``json.dumps`` with options builds a new encoder on every call.
COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def b64(data: bytes) -> str:
    """Standard base64 text of ``data``."""
    return base64.b64encode(data).decode("ascii")


def body_bytes(body: bytes) -> bytes | None:
    """The bytes a base64 body carries, or ``None`` (the same answer when writing and reading)."""
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def envelope_in_body(parts: EnvelopeParts, raw: bytes | None) -> bool:
    """Whether a body that decodes to ``raw`` holds exactly the envelope's bytes."""
    head = b"" if parts.version is None else bytes((parts.version,))
    return bool(parts.tag) and raw == head + parts.iv + parts.ciphertext + parts.tag


def _value(value: Any) -> str:
    """One JSON value, as ``json`` writes it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return COMPACT_JSON.encode(value)  # NaN, infinities, subclasses: the encoder's text


def _pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    try:
        return (
            "["
            + ",".join([f"[{encode_basestring(k)},{encode_basestring(v)}]" for k, v in pairs])
            + "]"
        )
    except (TypeError, ValueError):  # not all text, or not pairs: as the encoder writes them
        return COMPACT_JSON.encode([[k, v] for k, v in pairs])


def _body(body: bytes, plain_base64: bool) -> str:
    if plain_base64:  # strictly decoded base64: nothing in it needs escaping
        return '{"text":"' + body.decode("ascii") + '"}'
    try:
        return '{"text":' + encode_basestring(body.decode("utf-8")) + "}"
    except UnicodeDecodeError:
        return '{"base64":"' + b64(body) + '"}'


def _envelope(parts: EnvelopeParts | None, in_body: bool) -> str:
    if parts is None:
        return "null"
    nonce = "null" if parts.nonce is None else f'"{b64(parts.nonce)}"'
    version, timestamp = _value(parts.version), _value(parts.timestamp_ms)
    if in_body:
        iv, tag = len(parts.iv), len(parts.tag)
        return (
            f'{{"in_body":[{iv},{tag}],"version":{version},"timestamp_ms":{timestamp},'
            f'"nonce":{nonce}}}'
        )
    return (
        f'{{"version":{version},"iv":"{b64(parts.iv)}","ciphertext":"{b64(parts.ciphertext)}",'
        f'"tag":"{b64(parts.tag)}","timestamp_ms":{timestamp},"nonce":{nonce}}}'
    )


def _fit(parts: EnvelopeParts | None, body: bytes) -> tuple[bool, bool]:
    """Whether the body holds exactly the envelope's bytes, and whether it is strict base64.

    Encoding the envelope's bytes and comparing them with the body (the usual case: our own
    base64) takes half the time of decoding the body; when they differ, the body is decoded
    as the reader will decode it, so the answer is the same either way.
    """
    if parts is None:
        return False, False  # not decoded; _body escapes it, the same text for base64
    head = b"" if parts.version is None else bytes((parts.version,))
    whole = head + parts.iv + parts.ciphertext + parts.tag
    if parts.tag and binascii.b2a_base64(whole, newline=False) == body:
        return True, True
    raw = body_bytes(body)
    return envelope_in_body(parts, raw), raw is not None


def stored_json(exchange: Exchange) -> str:
    """The stored form's JSON text (see the module docstring)."""
    x, t = exchange, exchange.timings
    request_in_body, request_base64 = _fit(x.request_envelope, x.request_body)
    response_in_body, response_base64 = _fit(x.response_envelope, x.response_body)
    v = _value
    return (
        f'{{"format":{STORED_FORMAT},"endpoint":{v(x.endpoint)},"url":{v(x.url)},'
        f'"method":{v(x.method)},"started_ms":{v(x.started_ms)},'
        f'"timings":{{"total_ms":{v(t.total_ms)},"connect_ms":{v(t.connect_ms)},'
        f'"send_ms":{v(t.send_ms)},"wait_ms":{v(t.wait_ms)},"receive_ms":{v(t.receive_ms)}}},'
        f'"request_headers":{_pairs(x.request_headers)},'
        f'"request_plaintext":{v(x.request_plaintext)},'
        f'"request_body":{_body(x.request_body, request_base64)},'
        f'"request_envelope":{_envelope(x.request_envelope, request_in_body)},'
        f'"http_status":{v(x.http_status)},'
        f'"response_headers":{_pairs(x.response_headers)},'
        f'"response_body":{_body(x.response_body, response_base64)},'
        f'"response_envelope":{_envelope(x.response_envelope, response_in_body)},'
        f'"response_plaintext":{v(x.response_plaintext)},"nonce_ok":{v(x.nonce_ok)},'
        f'"operator_status":{v(x.operator_status)},"server_time_ms":{v(x.server_time_ms)},'
        f'"server_date":{v(x.server_date)},"error":{v(x.error)},"extra":{_pairs(x.extra)}}}'
    )
