"""The one rule for what the screen shows while View ▸ Mask tokens is on.

Every view that draws a token, a raw UID or a key (the identity panel, the chain, the token
inspector, the log's tooltips, the exchange inspector's tabs, Send to SSP, Inspect a token)
passes its text through :func:`screen_text`; the views re-draw when the switch changes. The
rule works on text, so it holds whatever shape the value arrives in: a JSON reply, a sentence
(an explanation quoting a key), a refresh request's body. Copying (to the clipboard, an
export) is not masked here: exports have their own redaction
(:mod:`uid2_desk.journal.redaction`), and secrets never reach the journal unmasked
(:mod:`uid2_desk.journal.masking`, :mod:`uid2_desk.protocol.capture_masking`).
"""

from __future__ import annotations

import re

#: What a token, UID or key looks like on screen while masking is on.
SCREEN_MASK = "•••• masked"
#: A run of base64 (or base64url) characters long enough to be a raw UID or a key (32 bytes
#: make 44 characters) or a token; ``{40,}`` leaves UUIDs (36) and short ids readable.
_RUN_RE = re.compile(r"[A-Za-z0-9+/_\-]{40,}={0,2}")


def _looks_encoded(run: str) -> bool:
    """Whether a run mixes character classes as encoded bytes do (not a dashed word list)."""
    classes = (
        any(c.isupper() for c in run),
        any(c.islower() for c in run),
        any(c.isdigit() for c in run),
    )
    return sum(classes) >= 2


def mask_for_screen(text: str) -> str:
    """``text`` with every token, raw UID, key or hash replaced by :data:`SCREEN_MASK`.

    A token, UID or key is a run of 40 or more base64 characters that looks like encoded
    bytes (advertising and refresh tokens, raw UIDs, ``refresh_response_key``, key secrets,
    DII hashes). The words, field names and short values around it stay, so a masked JSON
    reply or sentence still reads.
    """
    return _RUN_RE.sub(lambda m: SCREEN_MASK if _looks_encoded(m.group(0)) else m.group(0), text)


def screen_text(text: str, masked: bool) -> str:
    """``text`` as drawn: through :func:`mask_for_screen` when ``masked``."""
    return mask_for_screen(text) if masked else text


def holds_secret(text: str) -> bool:
    """Whether ``text`` still shows a full token, raw UID or key (what masking must prevent)."""
    return mask_for_screen(text) != text
