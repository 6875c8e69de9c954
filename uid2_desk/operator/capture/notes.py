"""What a request turned out to contain, noted by the handlers as they go, for the capture.

The HTTP layer sees only bytes. The handlers see the decrypted request and the reply before
it is sealed; they note both here (one :class:`CaptureNotes` per request, in the request's
context) and the capture builder reads them once the reply has gone out. Secrets are masked
when the exchange is built (by whoever captures, so a request served without capture pays
nothing for it): a reply's ``refresh_response_key`` and key ``secret`` values never reach an
exchange, so never the journal, an export or the screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from uid2_desk.protocol.capture import SKEW_FACT
from uid2_desk.protocol.capture_masking import MASKED, mask_secrets
from uid2_desk.protocol.envelope import OpenedEnvelope
from uid2_desk.protocol.exchange import EnvelopeParts

__all__ = ["MASKED", "CaptureNotes", "mask_secrets"]


@dataclass
class CaptureNotes:
    """The decrypted halves of one request, and facts the reply does not carry.

    Attributes:
        request_envelope: the request envelope's parts, once it opened.
        request_plaintext: the decrypted request JSON (or the refresh token).
        reply_envelope: the sealed reply's parts.
        reply_json: the reply's JSON as it was sealed (secrets in clear: read
            :attr:`reply_plaintext`).
        server_time_ms: the reply envelope's timestamp.
        facts: ``(key, value)`` pairs for the explanation table (``auth``, skew...).
        role: who the caller is when no API key says so (``cstg`` for client-side generate).
        subscription: a client-side generate's subscription id.
        app_name: a client-side generate's app name.
    """

    request_envelope: EnvelopeParts | None = None
    request_plaintext: str | None = None
    reply_envelope: EnvelopeParts | None = None
    reply_json: bytes | None = field(default=None, repr=False)  # its secrets are in clear
    server_time_ms: int | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    role: str | None = None
    subscription: str = ""
    app_name: str = ""

    def opened(self, envelope: OpenedEnvelope, now_ms: int) -> None:
        """Note a request envelope that decrypted (its payload may still be refused)."""
        self.request_envelope = envelope.parts
        self.request_plaintext = envelope.payload.decode("utf-8", "replace")
        self.facts.append((SKEW_FACT, str(envelope.timestamp_ms - now_ms)))

    @property
    def reply_plaintext(self) -> str | None:
        """The reply JSON, its secrets masked (made when read: by the capture, not per request)."""
        if self.reply_json is None:
            return None
        document = json.loads(self.reply_json)
        return json.dumps(mask_secrets(document), separators=(",", ":"))

    def replied(self, plaintext: bytes, parts: EnvelopeParts | None) -> None:
        """Note a sealed reply: the JSON it carried and the envelope's parts."""
        self.reply_json = plaintext
        self.reply_envelope = parts
        if parts is not None:
            self.server_time_ms = parts.timestamp_ms

    def client_side(self, subscription: str, app_name: str | None) -> None:
        """Note a client-side generate's caller: its subscription and, for an app, its name."""
        self.role = "cstg"
        self.subscription = subscription
        self.app_name = app_name or ""

    def fact(self, key: str, value: str) -> None:
        """Note a fact for the explanation (``auth``: ``unknown_key``...)."""
        self.facts.append((key, value))
