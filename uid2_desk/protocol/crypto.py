"""AES-256-GCM as UID2 uses it everywhere: ``IV(12) || ciphertext || tag(16)``, no AAD.

The one place the ``cryptography`` package is called for GCM, so the translation of its
exceptions into :class:`~uid2_desk.protocol.errors.DecryptionError` happens once.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from uid2_desk.protocol.errors import DecryptionError
from uid2_desk.protocol.random_pool import POOL

IV_LENGTH = 12
TAG_LENGTH = 16
KEY_LENGTH = 32


def random_bytes(n: int) -> bytes:
    """Return ``n`` cryptographically random bytes (IVs, nonces, keys)."""
    return POOL.take(n)


@lru_cache(maxsize=256)
def _cipher(key: bytes) -> AESGCM:
    """The AES-GCM cipher of ``key``, made once: the operator seals with a few keys all day.

    Holds at most 256 keys (clients' secrets and the key ring's), which are in memory anyway.
    """
    return AESGCM(key)


def gcm_encrypt(key: bytes, plaintext: bytes, iv: bytes | None = None) -> bytes:
    """Encrypt ``plaintext`` and return ``iv || ciphertext || tag``.

    ``iv`` is drawn at random unless given (tests pin it to reproduce vectors).
    """
    if len(key) != KEY_LENGTH:
        raise DecryptionError(f"an AES-256 key must be {KEY_LENGTH} bytes, got {len(key)}")
    if iv is None:
        iv = random_bytes(IV_LENGTH)
    if len(iv) != IV_LENGTH:
        raise ValueError(f"a GCM IV must be {IV_LENGTH} bytes, got {len(iv)}")
    return iv + _cipher(bytes(key)).encrypt(iv, plaintext, None)


def gcm_split(blob: bytes) -> tuple[bytes, bytes, bytes]:
    """Split ``iv || ciphertext || tag`` into its three parts without decrypting."""
    if len(blob) < IV_LENGTH + TAG_LENGTH:
        raise DecryptionError(
            f"encrypted data is {len(blob)} bytes; it needs at least "
            f"{IV_LENGTH + TAG_LENGTH} (IV and tag)"
        )
    return blob[:IV_LENGTH], blob[IV_LENGTH:-TAG_LENGTH], blob[-TAG_LENGTH:]


def gcm_decrypt(key: bytes, blob: bytes) -> bytes:
    """Decrypt ``iv || ciphertext || tag``; raise :class:`DecryptionError` if it fails."""
    if len(key) != KEY_LENGTH:
        raise DecryptionError(f"an AES-256 key must be {KEY_LENGTH} bytes, got {len(key)}")
    iv, _, _ = gcm_split(blob)
    try:
        return _cipher(bytes(key)).decrypt(iv, blob[IV_LENGTH:], None)
    except InvalidTag:
        raise DecryptionError(
            "decryption failed: the key is wrong or the data was altered in transit"
        ) from None
