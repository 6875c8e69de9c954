"""What a note box says: a caption for someone who never read the UID2 docs (pure).

A note is at most two short lines: what happened, then why. A state change reads
``Jane: No identity → Established`` over ``generate answered success``; a policy change, an
admin opt-out or an injected fault reads as the sentence the desk journaled; a refusal gets a
heading (:data:`~uid2_desk.walkthrough.rules.NOTE_HEADINGS`) over its message. Raw event
names (``state_changed``) never show; an event with no summary shows its name in words
(``time_warp`` → ``Time warp``). The entry keeps every detail for the log and the inspector.
"""

from __future__ import annotations

from uid2_desk.journal.model import JournalEntry
from uid2_desk.walkthrough.rules import NOTE_HEADINGS, event_key


def note_lines(entry: JournalEntry, max_chars: int) -> tuple[str, ...]:
    """One or two lines for ``entry``'s note, each cut to ``max_chars`` with an ellipsis."""
    key = event_key(entry.name)
    summary = " ".join(entry.summary.split())
    cause = " ".join((entry.detail_value("cause") or "").split())
    heading = NOTE_HEADINGS.get(key)
    lines: tuple[str, ...]
    if heading is not None:
        lines = (heading, summary)
    elif cause:
        # The publisher's summary ends with "(cause)": say it once, on its own line.
        lines = (summary.removesuffix(f" ({cause})") or _in_words(key), cause)
    else:
        lines = (summary or _in_words(key),)
    return tuple(_cut(line, max_chars) for line in lines if line)


def _in_words(key: str) -> str:
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Event"


def _cut(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "…"
