"""An envelope drawn byte by byte: each field coloured, with a legend (pure, no widgets).

A v2 request envelope on the wire is ``version(1) || IV(12) || ciphertext || tag(16)``; the
ciphertext decrypts to ``timestamp(8) || nonce(8) || JSON``. Replies have no version byte,
and refresh replies carry neither timestamp nor nonce (uid2-protocol.md §2). The inspector
shows both layers, so a person sees which bytes are which.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uid2_desk.ui.common.timefmt import format_timestamp

if TYPE_CHECKING:
    from uid2_desk.protocol.exchange import EnvelopeParts

#: Longer fields are shown up to this many bytes, then summarised.
MAX_FIELD_BYTES = 96


@dataclass(frozen=True)
class Segment:
    """One field of an envelope.

    Attributes:
        name: the field's name.
        data: its bytes.
        colour: the background colour it is drawn in.
        note: what the bytes mean (e.g. the timestamp as a date).
    """

    name: str
    data: bytes
    colour: str
    note: str = ""


_VERSION = "#fde68a"
_IV = "#bfdbfe"
_CIPHERTEXT = "#e9d5ff"
_TAG = "#fecaca"
_TIMESTAMP = "#bbf7d0"
_NONCE = "#fed7aa"
_PAYLOAD = "#e5e7eb"


def wire_segments(parts: EnvelopeParts) -> list[Segment]:
    """The envelope's fields as they travel (encrypted)."""
    segments: list[Segment] = []
    if parts.version is not None:
        segments.append(
            Segment("version", bytes([parts.version]), _VERSION, f"envelope v{parts.version}")
        )
    segments.append(Segment("IV", parts.iv, _IV, "AES-GCM nonce, 12 random bytes"))
    segments.append(
        Segment("ciphertext", parts.ciphertext, _CIPHERTEXT, f"{len(parts.ciphertext)} bytes")
    )
    segments.append(Segment("tag", parts.tag, _TAG, "GCM authentication tag, 16 bytes"))
    return segments


def plaintext_segments(parts: EnvelopeParts, payload: bytes | None) -> list[Segment]:
    """What the ciphertext decrypts to: timestamp, nonce and JSON (when present)."""
    segments: list[Segment] = []
    if parts.timestamp_ms is not None:
        stamp = parts.timestamp_ms.to_bytes(8, "big", signed=True)
        segments.append(
            Segment("timestamp", stamp, _TIMESTAMP, format_timestamp(parts.timestamp_ms))
        )
    if parts.nonce is not None:
        segments.append(Segment("nonce", parts.nonce, _NONCE, parts.nonce.hex()))
    if payload is not None:
        segments.append(Segment("payload", payload, _PAYLOAD, f"{len(payload)} bytes of JSON"))
    return segments


def hex_bytes(data: bytes, limit: int = MAX_FIELD_BYTES) -> str:
    """Space-separated hex, cut after ``limit`` bytes with a count of the rest."""
    shown = " ".join(f"{b:02x}" for b in data[:limit])
    if len(data) > limit:
        shown += f" … (+{len(data) - limit} bytes)"
    return shown


def segments_html(segments: list[Segment]) -> str:
    """The segments as coloured hex spans followed by a legend table (Qt rich text)."""
    spans = "".join(
        f'<span style="background-color:{s.colour}" title="{html.escape(s.name)}">'
        f"{html.escape(hex_bytes(s.data))}</span> "
        for s in segments
    )
    legend = "".join(
        f'<tr><td style="background-color:{s.colour}">&nbsp;{html.escape(s.name)}&nbsp;</td>'
        f"<td>&nbsp;{len(s.data)} B&nbsp;</td><td>{html.escape(s.note)}</td></tr>"
        for s in segments
    )
    return (
        f'<p style="font-family:monospace">{spans}</p>'
        f'<table cellspacing="2" style="font-family:sans-serif">{legend}</table>'
    )
