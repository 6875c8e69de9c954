"""The Envelope tab of a client-side generate: the CSTG parts instead of a v2 envelope.

A ``/v2/token/client-generate`` request carries no envelope: the device seals the DII hash
with a key it agreed with the site's server public key (ECDH P-256) and sends the parts as
JSON. The desk's own device records them in ``Exchange.extra`` and the operator's capture
records the same keys (``cstg.client_public_key``, ``cstg.iv``, ``cstg.aad``); the decrypted
payload is the request plaintext. The shared key is never recorded, so never shown.
"""

from __future__ import annotations

from html import escape

from uid2_desk.protocol.exchange import Exchange

#: The CSTG parts, in the order the tab lists them, with what each is.
_PARTS: tuple[tuple[str, str, str], ...] = (
    ("cstg.subscription_id", "Subscription id", "the site's key pair, sent in the clear"),
    ("cstg.device", "Device", "the app name sent, or the page's Origin header"),
    (
        "cstg.client_public_key",
        "Client public key",
        "the device's own P-256 key, new for every request (base64 SPKI)",
    ),
    ("cstg.iv", "IV", "12 random bytes for AES-256-GCM (base64)"),
    ("cstg.aad", "AAD", 'authenticated, not encrypted: [timestamp] or [timestamp,"app name"]'),
)


def is_client_side(exchange: Exchange) -> bool:
    """Whether ``exchange`` is a client-side generate with its parts recorded."""
    return any(key.startswith("cstg.") for key, _ in exchange.extra)


def cstg_html(exchange: Exchange) -> str:
    """The CSTG parts of a client-side generate, and its decrypted payload."""
    facts = dict(exchange.extra)
    rows = [
        f"<tr><td><b>{escape(title)}</b></td><td><tt>{escape(facts[key])}</tt><br/>"
        f"<small>{escape(what)}</small></td></tr>"
        for key, title, what in _PARTS
        if key in facts
    ]
    payload = facts.get("cstg.payload") or exchange.request_plaintext or "(not decrypted)"
    return (
        "<h4>Client-side token generation (CSTG)</h4>"
        "<p>No envelope and no API key: the device sealed the DII hash with the key it "
        "shares with the operator (ECDH of its key pair and the site's server public key; "
        "the raw x-coordinate is the AES-256-GCM key). The reply is sealed with the same "
        "key: base64 of IV, ciphertext and tag.</p>"
        f"<table cellspacing='4'>{''.join(rows)}</table>"
        "<h4>Decrypted payload</h4>"
        f"<pre>{escape(payload)}</pre>"
    )
