"""Which bare refresh tokens make the operator's decoder throw rather than say "invalid".

``EncryptedTokenEncoder.decodeRefreshToken`` answers ``ClientInputValidationException``
(a 400) for text that is not base64, an unknown version, an unknown key or a scope/type
mismatch; but reading past the end of a short token, or a GCM failure, throws something
else, which ``handleTokenRefreshV2`` catches into 500 "Unknown error while refreshing token
v2". Only tokens sent bare (not the 388-character wrapper) reach this decoder unchecked.
"""

from __future__ import annotations

from uid2_desk.protocol.crypto import gcm_decrypt
from uid2_desk.protocol.envelope import decode_base64_java
from uid2_desk.protocol.errors import DecryptionError, EnvelopeError
from uid2_desk.protocol.tokens import KeyLookup

_V3_VERSION_BYTE = 0x70
_V2_VERSION_BYTE = 0x02
_V3_HEADER = 6
#: The v3 payload fields the decoder reads, up to the end of the identity (``getBytes(58, 90)``).
_V3_PAYLOAD_READ = 90
#: The v2 header the decoder reads (created, expires, valid-till, key id: ``getInt(25)``).
_V2_HEADER_READ = 29


def decoder_throws(token: str, keys: KeyLookup) -> bool:
    """Whether decoding this bare refresh token throws an unexpected exception in the operator.

    A v2 token (``0x02`` first) long enough for its header is left to the usual "invalid"
    answer: the operator would go on to AES-CBC-decrypt it, and v2 refresh tokens have not
    been issued since 2022, so the local operator holds no key that could.
    """
    if not token:
        return False
    try:
        raw = decode_base64_java(token.encode("utf-8"))
    except EnvelopeError:
        return False
    if len(raw) < 2:
        return True  # b.getByte(1) reads past the end
    if raw[1] == _V3_VERSION_BYTE:
        if len(raw) < _V3_HEADER:
            return True
        key = keys(int.from_bytes(raw[2:_V3_HEADER], "big", signed=True))
        if key is None:
            return False
        try:
            payload = gcm_decrypt(key.secret, raw[_V3_HEADER:])
        except DecryptionError:
            return True
        return len(payload) < _V3_PAYLOAD_READ
    return raw[0] == _V2_VERSION_BYTE and len(raw) < _V2_HEADER_READ
