"""Open what passes through the proxy, with the secrets it holds, or say why it stays closed.

A request envelope opens with the client secret of the API key in its ``Authorization``
header; the 200 reply with the same secret and the request's nonce; a refresh reply with the
``refresh_response_key`` the proxy saw when that refresh token was issued through it. What
cannot be opened is kept as it is, with a reason (:class:`Closed`). Nothing here changes a
byte on the wire: it works on copies after the fact. Secrets in opened replies are masked.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from uid2_desk.protocol.capture_masking import bearer, mask_key, mask_secrets
from uid2_desk.protocol.envelope import (
    decode_base64_body,
    open_refresh_reply,
    open_request,
    open_response,
)
from uid2_desk.protocol.errors import DecryptionError, EnvelopeError, NonceMismatchError
from uid2_desk.protocol.exchange import EnvelopeParts
from uid2_desk.proxy.keys import ClientSecrets, RefreshKeys
from uid2_desk.proxy.kinds import is_json

REFRESH_PATH = "/token/refresh"
CSTG_PATH = "/token/client-generate"
#: What an opener gives back: an opened envelope, or a refresh reply's payload and parts.
_Opened = TypeVar("_Opened")


@dataclass(frozen=True)
class Closed:
    """Why part of an exchange stayed sealed: a short code and a sentence."""

    code: str
    reason: str


@dataclass
class Opened:
    """What the proxy could read of one exchange.

    Attributes:
        request_envelope: the request envelope's parts, once it opened.
        request_plaintext: the decrypted request (or the plain body: JSON, a refresh token).
        reply_envelope: the reply envelope's parts, once it opened.
        reply_plaintext: the reply JSON (decrypted or plain), secrets masked.
        server_time_ms: the reply envelope's timestamp.
        status: the reply's ``status`` field.
        closed: why the request or the reply stayed sealed, if one did.
        request_ms: the request envelope's timestamp (for the skew against the proxy's clock).
    """

    request_envelope: EnvelopeParts | None = None
    request_plaintext: str | None = None
    reply_envelope: EnvelopeParts | None = None
    reply_plaintext: str | None = None
    server_time_ms: int | None = None
    status: str | None = None
    closed: list[Closed] = field(default_factory=list)
    request_ms: int | None = None


class Opener:
    """Opens exchanges with the secrets it was given and the refresh keys it learns."""

    def __init__(self, secrets: ClientSecrets, refresh_keys: RefreshKeys) -> None:
        self._secrets = secrets
        self._refresh_keys = refresh_keys

    def open(
        self,
        path: str,
        authorization: str,
        body: bytes,
        http_status: int,
        reply: bytes,
        *,
        body_type: str | None = None,
        reply_type: str | None = None,
    ) -> Opened:
        """Read one exchange as far as the secrets allow.

        ``body_type`` and ``reply_type`` are the two ``Content-Type`` values: a binary body's
        bytes can look like anything, so they decide before the bytes do.
        """
        opened = Opened()
        plain = is_json(reply, reply_type)  # a JSON reply, not an envelope
        if path.endswith(REFRESH_PATH):
            opened.request_plaintext = body.decode("utf-8", "replace") or None
            self._open_refresh_reply(
                opened, body.decode("latin-1").strip(), http_status, reply, plain=plain
            )
            return opened
        if is_json(body, body_type) or path.endswith(CSTG_PATH):
            opened.request_plaintext = body.decode("utf-8", "replace") or None
            if path.endswith(CSTG_PATH) and http_status == 200 and not plain and reply:
                opened.closed.append(
                    Closed(
                        "cstg_device_key",
                        "A client-side generate reply is sealed with a key only the device and "
                        "the operator share (ECDH); no proxy can open it.",
                    )
                )
            self._plain_reply(opened, reply, plain=plain)
            return opened
        key = bearer(authorization)
        secret = self._secrets.secret_of(key) if key else None
        nonce = self._open_request(opened, key, secret, body) if body else None
        # An empty 200 (a reply cut short after its head: its failure says so) has nothing to open.
        if http_status == 200 and not plain and reply and secret is not None and nonce:
            self._open_reply(opened, secret, nonce, reply)
        elif http_status == 200 and not plain and reply and not opened.closed:
            opened.closed.append(Closed("reply_sealed", "The reply could not be opened."))
        else:
            self._plain_reply(opened, reply, plain=plain)
        return opened

    def _open_request(
        self, opened: Opened, key: str, secret: bytes | None, body: bytes
    ) -> bytes | None:
        if secret is None:
            reason = (
                f"The proxy holds no client secret for API key {mask_key(key)}: give it the "
                "key's secret (keychain, UID2_API_KEY/UID2_SECRET or --credentials) to open it."
                if key
                else "The request sent no API key, so there is no secret to open it with."
            )
            opened.closed.append(Closed("no_secret" if key else "no_key", reason))
            return None
        try:
            envelope = _first_that_opens(lambda raw: open_request(secret, raw), body)
        except (EnvelopeError, DecryptionError) as exc:
            opened.closed.append(
                Closed(
                    "request_sealed",
                    f"The request does not open with the secret the proxy holds for "
                    f"{mask_key(key)} ({exc}).",
                )
            )
            return None
        opened.request_envelope = envelope.parts
        opened.request_plaintext = envelope.payload.decode("utf-8", "replace")
        opened.request_ms = envelope.timestamp_ms
        return envelope.nonce

    def _open_reply(self, opened: Opened, secret: bytes, nonce: bytes, reply: bytes) -> None:
        try:
            envelope = _first_that_opens(
                lambda raw: open_response(secret, raw, expected_nonce=nonce), reply
            )
        except (EnvelopeError, DecryptionError, NonceMismatchError) as exc:
            opened.closed.append(Closed("reply_sealed", f"The reply does not open ({exc})."))
            return
        opened.reply_envelope = envelope.parts
        opened.server_time_ms = envelope.timestamp_ms
        self._read_document(opened, envelope.payload)

    def _open_refresh_reply(
        self, opened: Opened, token: str, status: int, reply: bytes, *, plain: bool
    ) -> None:
        if status != 200 or plain or not reply:
            self._plain_reply(opened, reply, plain=plain)
            return
        key = self._refresh_keys.key_of(token)
        if key is None:
            opened.closed.append(
                Closed(
                    "refresh_key_unknown",
                    "This refresh token was issued before the proxy was in the path (or "
                    "long ago): its refresh_response_key never passed through the proxy, so "
                    "the reply stays sealed. Generate a new identity through the proxy.",
                )
            )
            return
        try:
            payload, parts = _first_that_opens(lambda raw: open_refresh_reply(key, raw), reply)
        except (EnvelopeError, DecryptionError) as exc:
            opened.closed.append(
                Closed("reply_sealed", f"The refresh reply does not open ({exc}).")
            )
            return
        opened.reply_envelope = parts
        self._read_document(opened, payload)

    def _plain_reply(self, opened: Opened, reply: bytes, *, plain: bool) -> None:
        if plain:
            self._read_document(opened, reply)

    def _read_document(self, opened: Opened, payload: bytes) -> None:
        try:
            document: Any = json.loads(payload)
        except ValueError:
            opened.reply_plaintext = payload.decode("utf-8", "replace")
            return
        if isinstance(document, dict):
            status = document.get("status")
            opened.status = status if isinstance(status, str) else None
            self._learn(document.get("body"))
        opened.reply_plaintext = json.dumps(mask_secrets(document), separators=(",", ":"))

    def _learn(self, body: object) -> None:
        """Remember the refresh key of an identity the reply issued."""
        if not isinstance(body, dict):
            return
        token, key = body.get("refresh_token"), body.get("refresh_response_key")
        if isinstance(token, str) and isinstance(key, str):
            try:
                self._refresh_keys.learn(token, base64.b64decode(key, validate=True))
            except (binascii.Error, ValueError):
                return


def _first_that_opens(opener: Callable[[bytes], _Opened], body: bytes) -> _Opened:
    """Open ``body`` as base64 text, else as raw bytes (``application/octet-stream``, v3).

    Raises the error of the base64 attempt when the body is base64, else the raw one's.
    """
    try:
        decoded = decode_base64_body(body)
    except EnvelopeError:
        return opener(body)
    try:
        return opener(decoded)
    except (EnvelopeError, DecryptionError, NonceMismatchError):
        try:
            return opener(body)
        except (EnvelopeError, DecryptionError, NonceMismatchError):
            pass
        raise
