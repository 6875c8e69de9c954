"""Reading a refresh request's token: the 388-character wrapper, or a bare token.

:func:`open_wrapper` unwraps the wrapper with ``V2RequestUtil.parseRefreshRequest``'s
messages (used by v2 refresh and by v1 refresh, which accepted wrappers from the v1 JS SDK).

:func:`decoder_throws` says which bare tokens make the operator's decoder throw rather than
say "invalid".

``EncryptedTokenEncoder.decodeRefreshToken`` answers ``ClientInputValidationException``
(a 400) for text that is not base64, an unknown version, an unknown key or a scope/type
mismatch; but reading past the end of a short token, or a GCM failure, throws something
else, which ``handleTokenRefreshV2`` catches into 500 "Unknown error while refreshing token
v2". Only tokens sent bare (not the 388-character wrapper) reach this decoder unchecked.
"""

from __future__ import annotations

from uid2_desk.protocol.crypto import gcm_decrypt
from uid2_desk.protocol.envelope import decode_base64_java
from uid2_desk.protocol.errors import (
    DecryptionError,
    EnvelopeError,
    PayloadError,
    TokenDecryptError,
    TokenFormatError,
)
from uid2_desk.protocol.tokens import (
    KeyLookup,
    UnwrappedRefreshToken,
    read_wrapper_header,
    unwrap_refresh_token,
)

MSG_REFRESH_NOT_BASE64 = "Invalid body: Body is not valid base64."
MSG_REFRESH_BAD_DATA = "Invalid data: Check encryption method and encryption key."
MSG_REFRESH_BAD_FORMAT = "Invalid format: Payload is not valid json or missing required data."

_V3_VERSION_BYTE = 0x70
_V2_VERSION_BYTE = 0x02
_V3_HEADER = 6
#: The v3 payload fields the decoder reads, up to the end of the identity (``getBytes(58, 90)``).
_V3_PAYLOAD_READ = 90
#: The v2 header the decoder reads (created, expires, valid-till, key id: ``getInt(25)``).
_V2_HEADER_READ = 29


def open_wrapper(wrapper: str, keys: KeyLookup) -> UnwrappedRefreshToken | str:
    """The inner token and response key of a 388-character wrapper, or the 400 message."""
    try:
        # The operator's Java decoder decides what is base64 (no whitespace).
        decode_base64_java(wrapper)
        return unwrap_refresh_token(wrapper, keys)
    except (EnvelopeError, TokenFormatError):
        return MSG_REFRESH_NOT_BASE64
    except TokenDecryptError:
        _, key_id, _ = read_wrapper_header(wrapper)
        return f"Invalid key: Generator of this token (Key ID: {key_id}) does not exist."
    except DecryptionError:
        return MSG_REFRESH_BAD_DATA
    except PayloadError:
        return MSG_REFRESH_BAD_FORMAT


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
