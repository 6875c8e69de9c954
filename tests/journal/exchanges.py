"""Realistic exchange records for journal, export and layout tests.

Every envelope here is sealed and opened by the real :mod:`uid2_desk.protocol.envelope` code
with a real client secret, so the records carry the bytes the client would record; only the
operator's decisions (success, opt-out, an error status) are chosen by the test. Randomness
(IVs, nonces, tokens) comes from a seeded generator, so the same call gives the same record.
"""

from __future__ import annotations

import base64
import json
import random

from uid2_desk.protocol.envelope import (
    open_refresh_reply,
    open_response,
    seal_refresh_reply,
    seal_request,
    seal_response,
    to_base64,
)
from uid2_desk.protocol.exchange import Exchange, Timings

BASE_URL = "http://127.0.0.1:8080"
#: The operator's local test secret (uid2-protocol.md §2.6).
SECRET = base64.b64decode("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=")
MASKED_AUTH = "Bearer UID2-C-L-999-***"
T0 = 1_704_067_200_000


def _token(rng: random.Random, length: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def identity_body(rng: random.Random, now_ms: int, key: bytes | None = None) -> dict[str, object]:
    """The body of a success reply, shaped like the operator's (uid2-protocol.md §3.1)."""
    return {
        "advertising_token": "A4AAAA" + _token(rng, 150, _B64URL),
        "refresh_token": _token(rng, 386, _B64) + "==",
        "identity_expires": now_ms + 3_600_000,
        "refresh_expires": now_ms + 259_200_000,
        "refresh_from": now_ms + 1_800_000,
        "refresh_response_key": base64.b64encode(key or rng.randbytes(32)).decode(),
    }


def _headers(authorization: str) -> tuple[tuple[str, str], ...]:
    return (
        ("Authorization", authorization),
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-UID2-Client-Version", "uid2-desk-0.1.0"),
    )


def generate(
    *,
    started_ms: int = T0,
    email: str = "jane.doe@example.com",
    status: str = "success",
    seed: int = 1,
    dii_field: str = "email",
    authorization: str = MASKED_AUTH,
    total_ms: float = 42.0,
) -> Exchange:
    """``/v2/token/generate`` for ``email`` answered 200 with ``status`` (success or optout).

    ``dii_field`` names the request field (``email``, ``phone``, ``email_hash``...).
    """
    rng = random.Random(seed)
    plaintext = json.dumps({dii_field: email})
    request = seal_request(
        SECRET,
        plaintext.encode(),
        timestamp_ms=started_ms,
        nonce=rng.randbytes(8),
        iv=rng.randbytes(12),
    )
    reply: dict[str, object] = {"status": status}
    if status == "success":
        reply = {"body": identity_body(rng, started_ms), "status": "success"}
    reply_text = json.dumps(reply, separators=(",", ":"))
    response = seal_response(
        SECRET,
        reply_text.encode(),
        timestamp_ms=started_ms + 15,
        nonce=request.nonce,
        iv=rng.randbytes(12),
    )
    opened = open_response(SECRET, response.raw, expected_nonce=request.nonce)
    return Exchange(
        endpoint="/v2/token/generate",
        url=f"{BASE_URL}/v2/token/generate",
        started_ms=started_ms,
        timings=Timings(
            total_ms=total_ms, connect_ms=1.5, send_ms=0.5, wait_ms=38.0, receive_ms=2.0
        ),
        request_headers=_headers(authorization),
        request_plaintext=plaintext,
        request_body=to_base64(request.raw).encode(),
        request_envelope=request.parts,
        http_status=200,
        response_headers=(("Content-Type", "text/plain"),),
        response_body=to_base64(response.raw).encode(),
        response_envelope=opened.parts,
        response_plaintext=opened.payload.decode(),
        nonce_ok=True,
        operator_status=status,
        server_time_ms=opened.timestamp_ms,
        server_date="Mon, 01 Jan 2024 00:00:00 GMT",
    )


def refresh(
    *,
    started_ms: int = T0 + 60_000,
    status: str = "success",
    seed: int = 2,
    refresh_token: str | None = None,
) -> Exchange:
    """``/v2/token/refresh`` answered 200 with ``status``, encrypted with the response key."""
    rng = random.Random(seed)
    key = rng.randbytes(32)
    token = refresh_token or _token(rng, 386, _B64) + "=="
    reply: dict[str, object] = {"status": status}
    if status == "success":
        reply = {"body": identity_body(rng, started_ms), "status": "success"}
    raw = seal_refresh_reply(
        key, json.dumps(reply, separators=(",", ":")).encode(), iv=rng.randbytes(12)
    )
    payload, parts = open_refresh_reply(key, raw)
    return Exchange(
        endpoint="/v2/token/refresh",
        url=f"{BASE_URL}/v2/token/refresh",
        started_ms=started_ms,
        timings=Timings(total_ms=12.0),
        request_headers=(("Content-Type", "application/x-www-form-urlencoded"),),
        request_plaintext=token,
        request_body=token.encode(),
        http_status=200,
        response_headers=(("Content-Type", "text/plain"),),
        response_body=to_base64(raw).encode(),
        response_envelope=parts,
        response_plaintext=payload.decode(),
        operator_status=status,
    )


def client_error(
    *,
    started_ms: int = T0,
    endpoint: str = "/v2/token/refresh",
    http_status: int = 400,
    status: str = "expired_token",
    message: str = "Expired Token",
) -> Exchange:
    """A plain-JSON error reply, as the operator sends for every non-200 answer."""
    body = json.dumps({"message": message, "status": status}, separators=(",", ":"))
    return Exchange(
        endpoint=endpoint,
        url=f"{BASE_URL}{endpoint}",
        started_ms=started_ms,
        timings=Timings(total_ms=9.0),
        request_headers=_headers(MASKED_AUTH),
        request_body=b"x" * 388,
        request_plaintext="x" * 388,
        http_status=http_status,
        response_headers=(("Content-Type", "application/json"),),
        response_body=body.encode(),
        response_plaintext=body,
        operator_status=status,
        error=f"The operator refused the request: {status} ({message}).",
    )


def no_answer(*, started_ms: int = T0, endpoint: str = "/v2/token/generate") -> Exchange:
    """A request that timed out: no status, no reply."""
    return Exchange(
        endpoint=endpoint,
        url=f"{BASE_URL}{endpoint}",
        started_ms=started_ms,
        timings=Timings(total_ms=10_000.0),
        request_headers=_headers(MASKED_AUTH),
        request_body=b"AQ==",
        error="Timed out: could not get an answer from the operator at 127.0.0.1:8080.",
    )


def key_sharing(*, started_ms: int = T0, key_secret: str) -> Exchange:
    """``/v2/key/sharing`` whose decrypted reply carries a key ``secret`` (a real secret)."""
    rng = random.Random(7)
    request = seal_request(
        SECRET, b"", timestamp_ms=started_ms, nonce=rng.randbytes(8), iv=rng.randbytes(12)
    )
    reply = {
        "body": {
            "caller_site_id": 999,
            "master_keyset_id": 9999999,
            "token_expiry_seconds": "2592000",
            "keys": [
                {"id": 101, "created": 1, "activates": 1, "expires": 9, "secret": key_secret},
            ],
        },
        "status": "success",
    }
    text = json.dumps(reply, separators=(",", ":"))
    response = seal_response(
        SECRET, text.encode(), timestamp_ms=started_ms, nonce=request.nonce, iv=rng.randbytes(12)
    )
    return Exchange(
        endpoint="/v2/key/sharing",
        url=f"{BASE_URL}/v2/key/sharing",
        started_ms=started_ms,
        timings=Timings(total_ms=5.0),
        request_headers=_headers(MASKED_AUTH),
        request_plaintext="",
        request_body=to_base64(request.raw).encode(),
        request_envelope=request.parts,
        http_status=200,
        response_headers=(("Content-Type", "text/plain"),),
        response_body=to_base64(response.raw).encode(),
        response_envelope=response.parts,
        response_plaintext=text,
        nonce_ok=True,
        operator_status="success",
        server_time_ms=started_ms,
    )
