"""``--watch``: one line per served request as it is journaled, and why it failed if it did.

Through the proxy, what stayed sealed adds a ``sealed:`` line with the reason.
"""

from __future__ import annotations

from datetime import datetime

from uid2_desk.journal.model import JournalEntry
from uid2_desk.protocol.capture import FIX, WHY, CapturedClient, extra_value, lane_label
from uid2_desk.proxy.record import CLOSED_WHY


def watch_lines(entry: JournalEntry) -> list[str]:
    """The ``--watch`` lines of one captured entry (one, or two with ``why:``)."""
    exchange = entry.exchange
    if exchange is None:
        return []
    client = CapturedClient.of(exchange)
    who = lane_label(client) if client is not None else "UID2 Desk"
    when = datetime.fromtimestamp(entry.at_ms / 1000).strftime("%H:%M:%S")
    http = "---" if exchange.http_status is None else str(exchange.http_status)
    status = exchange.operator_status or "-"
    step = entry.step or "-"
    lines = [f"{when}  {who:<24} {exchange.method} {exchange.endpoint}  {http} {status}  {step}"]
    why = extra_value(exchange, WHY)
    if why:
        fix = extra_value(exchange, FIX)
        lines.append(f"  why: {why}" + (f" Fix: {fix}" if fix else ""))
    lines += [f"  sealed: {reason}" for key, reason in exchange.extra if key == CLOSED_WHY]
    return lines
