"""What the inspector adds for an exchange another client sent: who, and why it failed.

The desk's own exchanges need neither (the desk sent them, and its own error line explains
them). A captured one names its client (the credential's role, the API key masked as the
operator stored it, the client version, User-Agent, remote address, Origin or app name, the
CSTG subscription) and, when it failed, the cause and the fix from the explanation table.
A client-side generate also shows what the browser or app sent outside the envelope: its
public key, the IV and the additional authenticated data.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from uid2_desk.protocol.capture import (
    FIX,
    SKEW_FACT,
    WHY,
    CapturedClient,
    extra_value,
    lane_label,
)

if TYPE_CHECKING:
    from uid2_desk.protocol.exchange import Exchange

#: The client facts shown, in order, with their labels.
_CLIENT_FIELDS = (
    ("role", "Credential"),
    ("key", "API key (masked)"),
    ("site_id", "Site"),
    ("client_version", "Client version"),
    ("user_agent", "User-Agent"),
    ("remote", "Remote address"),
    ("origin", "Origin"),
    ("app_name", "App name"),
    ("subscription", "CSTG subscription"),
)
#: The extra values of a client-side generate, with their labels.
CSTG_FIELDS = (
    ("cstg.client_public_key", "Client public key"),
    ("cstg.iv", "IV"),
    ("cstg.aad", "AAD"),
)


def explanation(exchange: Exchange) -> tuple[str, str] | None:
    """The captured failure's ``(why, fix)``, if the operator explained it."""
    why = extra_value(exchange, WHY)
    if not why:
        return None
    return why, extra_value(exchange, FIX) or ""


def explanation_text(exchange: Exchange) -> str | None:
    """The explanation as the inspector's banner says it (``Why: … Fix: …``)."""
    explained = explanation(exchange)
    if explained is None:
        return None
    why, fix = explained
    return f"Why: {why}" + (f"\nFix: {fix}" if fix else "")


def client_rows(exchange: Exchange) -> list[tuple[str, str]]:
    """``(label, value)`` rows naming who sent a captured exchange; none for the desk's."""
    client = CapturedClient.of(exchange)
    if client is None:
        return []
    rows = [("Sent by", lane_label(client))]
    rows.extend(
        (label, getattr(client, name)) for name, label in _CLIENT_FIELDS if getattr(client, name)
    )
    skew = extra_value(exchange, SKEW_FACT)
    if skew is not None:
        rows.append(("Envelope time − operator clock", f"{int(skew):+,} ms"))
    for key, label in CSTG_FIELDS:
        value = extra_value(exchange, key)
        if value is not None:
            rows.append((label, value))
    return rows


def captured_html(exchange: Exchange) -> str:
    """The Summary tab's head for a captured exchange: the explanation, then the client."""
    rows = client_rows(exchange)
    if not rows:
        return ""
    blocks = []
    explained = explanation(exchange)
    if explained is not None:
        why, fix = explained
        blocks.append(
            "<div style='background:#fef2f2;color:#7f1d1d;padding:6px'>"
            f"<b>Why:</b> {escape(why)}<br><b>Fix:</b> {escape(fix)}</div>"
        )
    cells = "".join(
        f"<tr><td><b>{escape(label)}</b></td><td>{escape(value)}</td></tr>" for label, value in rows
    )
    blocks.append(f"<h4>Who sent it</h4><table cellspacing='4'>{cells}</table>")
    return "".join(blocks)
