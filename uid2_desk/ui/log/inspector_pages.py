"""The exchange inspector's pages as text and HTML (no widgets): what each tab shows.

Header values that carry credentials are masked here again: the client masks them already,
and a secret on screen is one too many.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from uid2_desk.ui.common.timefmt import format_skew, format_timestamp

if TYPE_CHECKING:
    from uid2_desk.journal import JournalEntry
    from uid2_desk.protocol.exchange import Exchange

NO_EXCHANGE = "A lifecycle event: no exchange went over the wire."


def pretty_json(text: str | None) -> str:
    """Indent JSON text for reading; anything else is returned as it is."""
    if not text:
        return ""
    import json

    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def masked_headers(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Headers with any credential-bearing value masked."""
    from uid2_desk.client.credentials import mask_authorization

    return [
        (name, mask_authorization(value) if name.lower() == "authorization" else value)
        for name, value in headers
    ]


def body_text(body: bytes) -> str:
    """Raw bytes as text when they are text (base64 bodies are), otherwise as hex."""
    try:
        return body.decode("ascii")
    except UnicodeDecodeError:
        return body.hex(" ")


def skew_text(exchange: Exchange) -> str | None:
    """The operator's clock minus the desk's, saying how far to trust it; ``None`` if unknown.

    An envelope timestamp gives milliseconds (``+0.4 s``). A reply without one (a refresh
    reply, an error) leaves only the ``Date`` header, whole seconds, so the skew is shown in
    whole seconds with its ±1 s: ``+2 s (±1 s: from the reply's Date header)``.
    """
    skew_ms = exchange.clock_skew_ms
    if skew_ms is None:
        return None
    if exchange.clock_skew_resolution_ms == 1000:
        return f"{round(skew_ms / 1000):+d} s (±1 s: from the reply's Date header)"
    return format_skew(skew_ms, exchange.clock_skew_uncertainty_ms) + " (mid-way of the round trip)"


def _row(name: str, value: str) -> str:
    from html import escape

    return f"<tr><td><b>{escape(name)}</b></td><td>{escape(value)}</td></tr>"


def summary_html(entry: JournalEntry) -> str:
    """The Summary tab: when, who, which step, the outcome and the exchange in brief."""
    rows = [
        _row("When", format_timestamp(entry.at_ms)),
        _row("Kind", str(entry.kind)),
        _row("User", entry.user or "—"),
        _row("Step", entry.step or "—"),
        _row("Outcome", entry.outcome or "—"),
        _row("Environment", entry.environment),
    ]
    rows.extend(_row(key, value) for key, value in entry.detail)
    head = ""
    if entry.exchange is not None:
        from uid2_desk.ui.log.captured_pages import captured_html

        head = captured_html(entry.exchange)
        rows.extend(_exchange_rows(entry.exchange))
    return f"{head}<table cellspacing='4'>{''.join(rows)}</table>"


def _exchange_rows(exchange: Exchange) -> list[str]:
    http = "no answer" if exchange.http_status is None else str(exchange.http_status)
    rows = [
        _row("Request", f"{exchange.method} {exchange.url}"),
        _row("HTTP status", http),
        _row("Operator status", exchange.operator_status or "—"),
        _row("Total time", f"{exchange.timings.total_ms:.1f} ms"),
    ]
    skew = skew_text(exchange)
    if skew is not None:
        rows.append(_row("Clock skew", skew))
    if exchange.error:
        rows.append(_row("Error", exchange.error))
    return rows


def envelope_html(exchange: Exchange) -> str:
    """The Envelope tab: the request's envelope, on the wire and decrypted, byte by byte."""
    from uid2_desk.ui.log.cstg_page import cstg_html, is_client_side
    from uid2_desk.ui.log.envelope_view import plaintext_segments, segments_html, wire_segments

    parts = exchange.request_envelope
    if parts is None and is_client_side(exchange):
        return cstg_html(exchange)
    if parts is None:
        return (
            "<p>This request is not an envelope: a refresh sends the refresh token "
            "itself as the body (uid2-protocol.md §2.5).</p>"
            f"<pre>{_escape(body_text(exchange.request_body))}</pre>"
        )
    payload = (exchange.request_plaintext or "").encode("utf-8")
    return (
        "<h4>On the wire (base64-decoded)</h4>"
        + segments_html(wire_segments(parts))
        + "<h4>Decrypted</h4>"
        + segments_html(plaintext_segments(parts, payload))
    )


def reply_html(exchange: Exchange) -> str:
    """The Reply tab: raw, the reply envelope, the nonce check, and the decrypted reply."""
    from uid2_desk.ui.log.envelope_view import plaintext_segments, segments_html, wire_segments

    blocks = ["<h4>Raw reply</h4>", f"<pre>{_escape(body_text(exchange.response_body))}</pre>"]
    parts = exchange.response_envelope
    if parts is not None:
        payload = (exchange.response_plaintext or "").encode("utf-8")
        blocks.append("<h4>Reply envelope</h4>")
        blocks.append(segments_html(wire_segments(parts)))
        blocks.append(segments_html(plaintext_segments(parts, payload)))
    if exchange.nonce_ok is True:
        blocks.append("<p style='color:#166534'><b>✓ nonce echoed: the reply is ours</b></p>")
    elif exchange.nonce_ok is False:
        blocks.append(
            "<p style='color:#b91c1c'><b>✗ nonce mismatch: the reply does not answer this "
            "request</b></p>"
        )
    else:
        blocks.append("<p>Nonce check: not applicable to this reply.</p>")
    blocks.append("<h4>Decrypted reply</h4>")
    decrypted = pretty_json(exchange.response_plaintext) or "(nothing could be decrypted)"
    blocks.append(f"<pre>{_escape(decrypted)}</pre>")
    return "".join(blocks)


def headers_html(exchange: Exchange) -> str:
    """The Headers tab, credential values masked."""

    def table(title: str, headers: tuple[tuple[str, str], ...]) -> str:
        body = "".join(_row(name, value) for name, value in masked_headers(headers))
        return f"<h4>{title}</h4><table cellspacing='3'>{body or _row('—', '')}</table>"

    return table("Request headers", exchange.request_headers) + table(
        "Response headers", exchange.response_headers
    )


def timings_html(exchange: Exchange) -> str:
    """The Timings tab: the phases of the call (they add up to the total), the operator's clock.

    *Blocked* is the time before the request could go out (waiting for a pooled connection,
    name resolution, the client's own queue): the part of the total no phase accounts for,
    as HAR files count it.
    """
    from uid2_desk.journal.export_har import har_timings

    timings = exchange.timings
    blocked = har_timings(timings)["blocked"]
    rows = [_row("Started", format_timestamp(exchange.started_ms))]
    for name, value in (
        ("Blocked", blocked if blocked > 0 else None),
        ("Connect", timings.connect_ms),
        ("Send", timings.send_ms),
        ("Wait", timings.wait_ms),
        ("Receive", timings.receive_ms),
        ("Total", timings.total_ms),
    ):
        rows.append(_row(name, "—" if value is None else f"{value:.1f} ms"))
    if exchange.server_date:
        rows.append(_row("Operator Date header", exchange.server_date))
    if exchange.server_time_ms is not None:
        rows.append(_row("Operator clock", format_timestamp(exchange.server_time_ms)))
    return f"<table cellspacing='4'>{''.join(rows)}</table>"


def _escape(text: str) -> str:
    from html import escape

    return escape(text)
