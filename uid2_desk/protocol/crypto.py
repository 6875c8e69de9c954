"""AES-256-GCM as UID2 uses it everywhere: ``IV(12) || ciphertext || tag(16)``, no AAD.

The one place the ``cryptography`` package is called for GCM, so the translation of its
exceptions into :class:`~uid2_desk.protocol.errors.DecryptionError` happens once.
"""

from __future__ import annotations

from collections.abc import Callable
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
def _kept_cipher(key: bytes) -> AESGCM:
    """The AES-GCM cipher of a long-lived key, made once: the operator seals with a few
    keys all day (clients' secrets, the key ring's keys), which are in memory anyway."""
    return AESGCM(key)


def _one_use_cipher(key: bytes) -> AESGCM:
    """A cipher for a key that seals one message (a refresh reply's key, a client-side
    generate's shared key): never kept, so no such key outlives its message here."""
    return AESGCM(key)


def gcm_encrypt(key: bytes, plaintext: bytes, iv: bytes | None = None) -> bytes:
    """Encrypt ``plaintext`` with a long-lived key; return ``iv || ciphertext || tag``.

    ``iv`` is drawn at random unless given (tests pin it to reproduce vectors).
    """
    return _encrypt(_kept_cipher, key, plaintext, iv)


def gcm_encrypt_one_use(key: bytes, plaintext: bytes, iv: bytes | None = None) -> bytes:
    """:func:`gcm_encrypt` with a key used for one message (its cipher is not kept)."""
    return _encrypt(_one_use_cipher, key, plaintext, iv)


def _encrypt(
    cipher: Callable[[bytes], AESGCM], key: bytes, plaintext: bytes, iv: bytes | None
) -> bytes:
    if len(key) != KEY_LENGTH:
        raise DecryptionError(f"an AES-256 key must be {KEY_LENGTH} bytes, got {len(key)}")
    if iv is None:
        iv = random_bytes(IV_LENGTH)
    if len(iv) != IV_LENGTH:
        raise ValueError(f"a GCM IV must be {IV_LENGTH} bytes, got {len(iv)}")
    return iv + cipher(bytes(key)).encrypt(iv, plaintext, None)


def gcm_split(blob: bytes) -> tuple[bytes, bytes, bytes]:
    """Split ``iv || ciphertext || tag`` into its three parts without decrypting."""
    if len(blob) < IV_LENGTH + TAG_LENGTH:
        raise DecryptionError(
            f"encrypted data is {len(blob)} bytes; it needs at least "
            f"{IV_LENGTH + TAG_LENGTH} (IV and tag)"
        )
    return blob[:IV_LENGTH], blob[IV_LENGTH:-TAG_LENGTH], blob[-TAG_LENGTH:]


def gcm_decrypt(key: bytes, blob: bytes) -> bytes:
    """Decrypt ``iv || ciphertext || tag`` with a long-lived key; raise
    :class:`DecryptionError` if it fails."""
    return _decrypt(_kept_cipher, key, blob)


def gcm_decrypt_one_use(key: bytes, blob: bytes) -> bytes:
    """:func:`gcm_decrypt` with a key used for one message (its cipher is not kept)."""
    return _decrypt(_one_use_cipher, key, blob)


def _decrypt(cipher: Callable[[bytes], AESGCM], key: bytes, blob: bytes) -> bytes:
    if len(key) != KEY_LENGTH:
        raise DecryptionError(f"an AES-256 key must be {KEY_LENGTH} bytes, got {len(key)}")
    iv, _, _ = gcm_split(blob)
    try:
        return cipher(bytes(key)).decrypt(iv, blob[IV_LENGTH:], None)
    except InvalidTag:
        raise DecryptionError(
            "decryption failed: the key is wrong or the data was altered in transit"
        ) from None
