"""Client-side token generation (CSTG) crypto, both sides (uid2-protocol.md §3.4).

The device makes an ephemeral P-256 key pair; the key shared with the operator is the raw
32-byte x-coordinate of ECDH(device private, server public), used directly as the AES-256-GCM
key (no KDF: WebCrypto ``deriveKey`` and Java ``KeyAgreement.generateSecret`` both give it).

- request: ``{"payload": b64(ciphertext||tag), "iv": b64(12 bytes), "public_key": b64 SPKI,
  "timestamp": ms, "subscription_id": …[, "app_name": …]}``, the payload being
  ``{"email_hash": …}`` or ``{"phone_hash": …}`` sealed with AAD ``[timestamp]`` (web) or
  ``[timestamp,"app_name"]`` (apps);
- reply (200): base64(``IV(12) || ciphertext || tag``) of the operator's JSON document, with
  the same key and no AAD.

Pure functions: randomness only where no IV or key is given (tests pin them).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from uid2_desk.protocol.crypto import (
    IV_LENGTH,
    gcm_decrypt_one_use,
    gcm_encrypt_one_use,
    random_bytes,
)
from uid2_desk.protocol.cstg_keys import (
    CstgKeyError,
    decode_public_key,
    new_private_key,
    spki_base64,
)
from uid2_desk.protocol.errors import DecryptionError

#: The only payload fields the operator reads (exactly one of them).
EMAIL_HASH = "email_hash"
PHONE_HASH = "phone_hash"


def shared_key(
    private_key: ec.EllipticCurvePrivateKey, peer_public_key: ec.EllipticCurvePublicKey
) -> bytes:
    """The AES-256 key both sides derive: the raw ECDH x-coordinate (32 bytes).

    Raises :class:`CstgKeyError` when the keys are on different curves (Java's
    ``KeyAgreement.doPhase`` throws there).
    """
    if peer_public_key.curve.name != private_key.curve.name:
        raise CstgKeyError(
            f"ECDH needs keys on one curve: {private_key.curve.name} and "
            f"{peer_public_key.curve.name}"
        )
    return private_key.exchange(ec.ECDH(), peer_public_key)


def _jackson_string(text: str) -> str:
    """A JSON string literal as Jackson writes it (``\\u00XX`` with upper-case hex)."""
    short = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
    short["\f"] = "\\f"
    out = []
    for ch in text:
        if ch in short:
            out.append(short[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def request_aad(timestamp_ms: int, app_name: str | None = None) -> bytes:
    """The AAD of a CSTG payload: UTF-8 of ``[timestamp]`` or ``[timestamp,"app_name"]``.

    Written as the operator rebuilds it (``JsonArray.of(timestamp).add(appName)``), compact.
    """
    parts = [str(int(timestamp_ms))]
    if app_name is not None:
        parts.append(_jackson_string(app_name))
    return ("[" + ",".join(parts) + "]").encode("utf-8")


def seal_payload(key: bytes, plaintext: bytes, aad: bytes, iv: bytes | None = None) -> bytes:
    """``iv || ciphertext || tag`` of a CSTG payload (the device's side)."""
    iv = random_bytes(IV_LENGTH) if iv is None else iv
    if len(iv) != IV_LENGTH:
        raise ValueError(f"a GCM IV must be {IV_LENGTH} bytes, got {len(iv)}")
    return iv + AESGCM(key).encrypt(iv, plaintext, aad)


def open_payload(key: bytes, iv: bytes, ciphertext_and_tag: bytes, aad: bytes) -> bytes:
    """The plaintext of a CSTG payload (the operator's side).

    Raises :class:`DecryptionError` if the key, IV, AAD or bytes do not match.
    """
    try:
        return AESGCM(key).decrypt(iv, ciphertext_and_tag, aad)
    except (InvalidTag, ValueError):
        raise DecryptionError(
            "the CSTG payload does not decrypt: wrong key pair, IV, timestamp or app name"
        ) from None


def seal_reply(key: bytes, document: bytes, iv: bytes | None = None) -> str:
    """The operator's 200 body: base64 of ``IV || GCM(document) || tag``, no AAD."""
    return base64.b64encode(gcm_encrypt_one_use(key, document, iv)).decode("ascii")


def open_reply(key: bytes, body: str | bytes) -> bytes:
    """The JSON bytes of a CSTG 200 reply (the device's side); :class:`DecryptionError`."""
    try:
        raw = base64.b64decode(body, validate=True)
    except ValueError:
        raise DecryptionError("the CSTG reply is not base64") from None
    return gcm_decrypt_one_use(key, raw)


@dataclass(frozen=True)
class CstgRequest:
    """A CSTG request as the device builds it, with every part an inspector may show.

    Attributes:
        body: the JSON document to POST to ``/v2/token/client-generate``.
        key: the shared AES-256 key (to open the reply; never to be shown or logged).
        client_public_key: the device's public key, base64 SPKI.
        iv: the payload's IV.
        aad: the payload's AAD bytes.
        payload: the plaintext JSON that was sealed.
    """

    body: dict[str, Any]
    key: bytes = field(repr=False)
    client_public_key: str
    iv: bytes
    aad: bytes
    payload: bytes


def build_request(
    server_public_key: str,
    subscription_id: str,
    dii: dict[str, str],
    timestamp_ms: int,
    *,
    app_name: str | None = None,
    client_key: ec.EllipticCurvePrivateKey | None = None,
    iv: bytes | None = None,
) -> CstgRequest:
    """Seal ``dii`` (``{"email_hash": …}`` or ``{"phone_hash": …}``) for the operator.

    ``client_key`` and ``iv`` are drawn fresh unless given. Raises :class:`CstgKeyError`
    for a server public key string that is not a P-256 ``UID2-X-…`` key.
    """
    device = client_key if client_key is not None else new_private_key()
    key = shared_key(device, decode_public_key(server_public_key))
    payload = json.dumps(dii, separators=(",", ":")).encode("utf-8")
    aad = request_aad(timestamp_ms, app_name)
    sealed = seal_payload(key, payload, aad, iv)
    public = spki_base64(device.public_key())
    body: dict[str, Any] = {
        "payload": base64.b64encode(sealed[IV_LENGTH:]).decode("ascii"),
        "iv": base64.b64encode(sealed[:IV_LENGTH]).decode("ascii"),
        "public_key": public,
        "timestamp": int(timestamp_ms),
        "subscription_id": subscription_id,
    }
    if app_name is not None:
        body["app_name"] = app_name
    return CstgRequest(body, key, public, sealed[:IV_LENGTH], aad, payload)
