"""Markdown report: a summary, the Mermaid sequence diagram, then one section per entry.

The diagram is :func:`~uid2_desk.walkthrough.mermaid.to_mermaid` of
:func:`~uid2_desk.walkthrough.layout.layout` of the same (redacted) entries the sections
describe, exactly what the desk's sequence view draws; section headings use the labels of
that diagram's arrows, so the report and the screen always agree. Exchange sections show the
decrypted request and reply in fenced code blocks (JSON pretty-printed), with the facts a QA
ticket needs: URL, HTTP status, outcome, time, nonce check, clock skew.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from uid2_desk.journal.export_common import human_ms, prepare, write_text_atomic
from uid2_desk.journal.model import EntryKind, JournalEntry
from uid2_desk.journal.redaction import Redaction
from uid2_desk.protocol.capture import FIX, WHY, CapturedClient, extra_value, lane_label
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.walkthrough.custom_guide import guide_step as step
from uid2_desk.walkthrough.diagram import Diagram
from uid2_desk.walkthrough.layout import layout
from uid2_desk.walkthrough.mermaid import to_mermaid

DEFAULT_TITLE = "UID2 Desk walkthrough report"
_NO_REDACTION = Redaction()
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_escape(text: str) -> str:
    """Text safe inside a Markdown paragraph or table cell (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def fenced(text: str, language: str = "") -> str:
    """``text`` in a code fence longer than any backtick run inside it."""
    longest = max((len(m.group(0)) for m in re.finditer(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def _payload_block(text: str | None) -> str:
    if text is None:
        return "_(none)_"
    if text == "":
        return "_(empty)_"
    try:
        doc = json.loads(text)
    except ValueError:
        return fenced(text, "text")
    return fenced(json.dumps(doc, indent=2, ensure_ascii=False), "json")


def _table(rows: list[tuple[str, str]]) -> str:
    lines = ["| | |", "|---|---|"]
    lines += [f"| {md_escape(k)} | {md_escape(v)} |" for k, v in rows]
    return "\n".join(lines)


def _summary_table(
    entries: list[JournalEntry], redaction: Redaction, generated_ms: int | None
) -> str:
    exchanges = [e for e in entries if e.kind is EntryKind.EXCHANGE]
    outcomes = Counter(e.outcome or "unknown" for e in exchanges)
    rows = [
        ("Environment", ", ".join(dict.fromkeys(e.environment for e in entries)) or "-"),
        ("Session", ", ".join(dict.fromkeys(e.session for e in entries)) or "-"),
        ("Test users", ", ".join(dict.fromkeys(e.user for e in entries if e.user)) or "-"),
    ]
    if entries:
        rows += [("From", human_ms(entries[0].at_ms)), ("To", human_ms(entries[-1].at_ms))]
    counts = ", ".join(f"{n} {name}" for name, n in sorted(outcomes.items()))
    rows.append(("Exchanges", f"{len(exchanges)}" + (f" ({counts})" if counts else "")))
    rows.append(("Events", str(len(entries) - len(exchanges))))
    hidden = [
        label
        for on, label in (
            (redaction.mask_dii, "emails and phone numbers replaced by their SHA-256"),
            (redaction.shorten_tokens, "tokens shortened"),
        )
        if on
    ]
    rows.append(("Redaction", "; ".join([*hidden, "secrets masked"])))
    if generated_ms is not None:
        rows.append(("Generated", human_ms(generated_ms)))
    return _table(rows)


def _heading(entry: JournalEntry, diagram: Diagram) -> str:
    arrows = diagram.arrows_for(entry.seq)
    if arrows:
        title = " · ".join(a.label for a in arrows)
    else:
        # The same words the diagram's note shows, never the raw event name.
        note = diagram.note_for(entry.seq)
        title = f"Note: {note.lines[0]}" if note is not None and note.lines else "Note"
    return f"### {md_escape(title)} (entry {entry.seq})"


def _captions(entry: JournalEntry, diagram: Diagram) -> list[str]:
    lines = []
    for arrow in diagram.arrows_for(entry.seq):
        found = step(arrow.step, v1=arrow.legacy_v1) if arrow.step else None
        if found is not None:
            lines.append(f"> **{found.id} {md_escape(found.title)}.** {md_escape(found.caption)}")
    return ["\n>\n".join(lines)] if lines else []


def _exchange_facts(entry: JournalEntry, ex: Exchange) -> str:
    client = CapturedClient.of(ex)
    rows = [("Sent by", _client_words(client))] if client is not None else []
    rows += [
        ("Request", f"{ex.method} {ex.url}"),
        ("HTTP status", "no answer" if ex.http_status is None else str(ex.http_status)),
        ("Outcome", entry.outcome or "-"),
        ("Operator status", ex.operator_status or "-"),
        ("Time", f"{ex.timings.total_ms:.0f} ms"),
    ]
    if ex.nonce_ok is not None:
        rows.append(("Nonce echoed", "yes" if ex.nonce_ok else "NO"))
    if ex.clock_skew_ms is not None:
        coarse = ex.clock_skew_resolution_ms == 1000
        how = " (±1 s: from the reply's Date header)" if coarse else ""
        within = f" ± {ex.clock_skew_uncertainty_ms} ms" if not coarse else ""
        rows.append(("Operator clock minus desk clock", f"{ex.clock_skew_ms:+d} ms{within}{how}"))
    if ex.error:
        rows.append(("Error", ex.error))
    why, fix = extra_value(ex, WHY), extra_value(ex, FIX)
    if why:
        rows.append(("Why", why))
    if fix:
        rows.append(("Fix", fix))
    return _table(rows)


def _client_words(client: CapturedClient) -> str:
    """``Your backend (publisher key UID2-C-L-999-…, uid2-client-python/2.9)``."""
    facts = [f"{client.role} key {client.key}" if client.key else client.role]
    facts += [v for v in (client.client_version, client.origin, client.app_name) if v]
    return f"{lane_label(client)} ({', '.join(facts)})"


def _section(entry: JournalEntry, diagram: Diagram) -> str:
    parts = [_heading(entry, diagram)]
    where = [human_ms(entry.at_ms), f"session {entry.session}"]
    if entry.user:
        where.append(f"user {entry.user}")
    parts.append("_" + " · ".join(md_escape(w) for w in where) + "_")
    parts += _captions(entry, diagram)
    if entry.summary:
        parts.append(md_escape(entry.summary))
    ex = entry.exchange
    if ex is not None:
        parts.append(_exchange_facts(entry, ex))
        parts.append("**Request (decrypted)**")
        parts.append(_payload_block(ex.request_plaintext))
        parts.append("**Reply (decrypted)**")
        parts.append(_payload_block(ex.response_plaintext))
    elif entry.detail:
        parts.append(_table(list(entry.detail)))
    return "\n\n".join(parts)


def report_text(
    entries: Sequence[JournalEntry],
    *,
    redaction: Redaction = _NO_REDACTION,
    title: str = DEFAULT_TITLE,
    generated_ms: int | None = None,
) -> str:
    """The Markdown report for full ``entries`` (see the module docstring)."""
    prepared = prepare(entries, redaction)
    diagram = layout(prepared)
    parts = [
        f"# {md_escape(title)}",
        _summary_table(prepared, redaction, generated_ms),
        "## Sequence",
        fenced(to_mermaid(diagram).rstrip("\n"), "mermaid"),
        "## Steps",
        *(_section(e, diagram) for e in prepared),
    ]
    return "\n\n".join(parts) + "\n"


def write_report(
    path: Path,
    entries: Sequence[JournalEntry],
    *,
    redaction: Redaction = _NO_REDACTION,
    title: str = DEFAULT_TITLE,
    generated_ms: int | None = None,
) -> None:
    """Write the report atomically; raises :class:`StorageError` if it cannot be written."""
    text = report_text(entries, redaction=redaction, title=title, generated_ms=generated_ms)
    write_text_atomic(path, text)
