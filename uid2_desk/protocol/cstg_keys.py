"""Client-side token generation keys, in the text forms the operator and the SDKs use.

A CSTG key pair is a P-256 key pair. The operator stores and hands out its halves as
9-character prefix + standard base64 of the DER encoding (SH ``ClientSideKeypair``):

- public: ``UID2-X-L-`` + X.509 SubjectPublicKeyInfo (91 bytes, ``MFkwEwYH…``), the
  "server public key" a publisher puts in its page or app;
- private: ``UID2-Y-L-`` + PKCS#8 in Java's minimal form (67 bytes, ``MEECAQAw…``: no
  curve parameters or public key inside the ``ECPrivateKey``), never given out.

The third segment is the environment letter (``L`` local, ``I`` integration, ``P``
production); the operator never reads the prefix, the JS SDK only checks it against
``^(UID2|EUID)-X-[A-Z]-.+`` before dropping the first 9 characters (uid2-protocol.md §3.4).
The client's own (ephemeral) public key travels without a prefix, as base64 SPKI.
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from uid2_desk.protocol.errors import InputError

#: Both key strings carry a prefix of this many characters (SH KEYPAIR_KEY_PREFIX_LENGTH).
PREFIX_LENGTH = 9
PUBLIC_PREFIX = "UID2-X-L-"
PRIVATE_PREFIX = "UID2-Y-L-"
#: What the JS SDK accepts as a server public key (``isCstgPublicKey``-style check).
_PUBLIC_KEY_TEXT = re.compile(r"(UID2|EUID)-X-[A-Z]-.+", re.DOTALL)
#: DER of Java's PKCS#8 P-256 private key up to the 32-byte secret scalar:
#: SEQ{ INTEGER 0, SEQ{ ecPublicKey, prime256v1 }, OCTET STRING{ SEQ{ INTEGER 1, OCTET STRING(32)
_JAVA_PKCS8_P256_HEAD = bytes.fromhex(
    "3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420"
)
_SCALAR_LENGTH = 32


class CstgKeyError(InputError):
    """A CSTG key string or key bytes that cannot be used as a P-256 key."""


def new_private_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 private key (a site's key pair, or a device's ephemeral one)."""
    return ec.generate_private_key(ec.SECP256R1())


def spki_der(public_key: ec.EllipticCurvePublicKey) -> bytes:
    """The X.509 SubjectPublicKeyInfo DER of a public key (91 bytes for P-256)."""
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def spki_base64(public_key: ec.EllipticCurvePublicKey) -> str:
    """A public key as a CSTG request's ``public_key`` field: base64 SPKI, no prefix."""
    return base64.b64encode(spki_der(public_key)).decode("ascii")


def load_spki(der: bytes) -> ec.EllipticCurvePublicKey:
    """An EC public key from SPKI DER, as Java's ``KeyFactory("EC")`` reads one.

    Java accepts the NIST curves P-256, P-384 and P-521 here (a key on the wrong one of
    them only fails later, in the key agreement). Raises :class:`CstgKeyError` for bytes
    that are not such a SubjectPublicKeyInfo.
    """
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, TypeError):
        raise CstgKeyError("the public key is not a DER SubjectPublicKeyInfo") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise CstgKeyError("the public key is not an elliptic-curve key")
    if not isinstance(key.curve, ec.SECP256R1 | ec.SECP384R1 | ec.SECP521R1):
        raise CstgKeyError(f"the public key is on {key.curve.name}, not a NIST curve")
    return key


def encode_public_key(public_key: ec.EllipticCurvePublicKey, prefix: str = PUBLIC_PREFIX) -> str:
    """The ``UID2-X-L-…`` server public key string."""
    return prefix + spki_base64(public_key)


def encode_private_key(
    private_key: ec.EllipticCurvePrivateKey, prefix: str = PRIVATE_PREFIX
) -> str:
    """The ``UID2-Y-L-…`` private key string, byte for byte as Java encodes the key."""
    if not isinstance(private_key.curve, ec.SECP256R1):
        raise CstgKeyError("CSTG keys are P-256 keys")
    scalar = private_key.private_numbers().private_value.to_bytes(_SCALAR_LENGTH, "big")
    return prefix + base64.b64encode(_JAVA_PKCS8_P256_HEAD + scalar).decode("ascii")


def _unprefixed_der(text: str, what: str) -> bytes:
    if len(text) <= PREFIX_LENGTH:
        raise CstgKeyError(f"the {what} is too short to be a CSTG key string")
    try:
        return base64.b64decode(text[PREFIX_LENGTH:], validate=True)
    except (binascii.Error, ValueError):
        raise CstgKeyError(f"the {what} is not base64 after its 9-character prefix") from None


def decode_public_key(text: str) -> ec.EllipticCurvePublicKey:
    """The P-256 key of a ``UID2-X-L-…`` (or ``EUID-X-…``) server public key string."""
    text = text.strip()
    if not _PUBLIC_KEY_TEXT.fullmatch(text):
        raise CstgKeyError(
            "a server public key starts with UID2-X-<letter>- or EUID-X-<letter>- "
            "(for example UID2-X-L-MFkw…)"
        )
    key = load_spki(_unprefixed_der(text, "server public key"))
    if not isinstance(key.curve, ec.SECP256R1):
        raise CstgKeyError("the server public key is not a P-256 key")
    return key


def decode_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """The P-256 key of a ``UID2-Y-L-…`` private key string."""
    der = _unprefixed_der(text, "private key")
    try:
        key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError):
        raise CstgKeyError("the private key is not PKCS#8 DER") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CstgKeyError("the private key is not a P-256 key")
    return key
