"""The Markdown report: summary, the walkthrough's own diagram in Mermaid, one section per entry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.journal.conftest import Walkthrough
from tests.journal.recorded import T0
from tests.walkthrough.mermaid_grammar import mermaid_problems
from uid2_desk.journal import EntryKind, Journal, JournalEntry
from uid2_desk.journal.redaction import Redaction, redact_entry
from uid2_desk.report.markdown import fenced, md_escape, report_text, write_report
from uid2_desk.walkthrough import layout, to_mermaid


@pytest.fixture
def entries(journal: Journal, walkthrough: Walkthrough) -> list[JournalEntry]:
    return journal.entries(limit=None, with_exchanges=True)


def _mermaid_block(report: str) -> str:
    match = re.search(r"^```mermaid\n(.*?)\n```$", report, re.S | re.M)
    assert match is not None, "the report has no mermaid block"
    return match.group(1) + "\n"


@pytest.mark.parametrize("redaction", [Redaction(), Redaction(mask_dii=True, shorten_tokens=True)])
def test_the_diagram_is_the_walkthrough_layout_of_the_same_entries(
    entries: list[JournalEntry], redaction: Redaction
) -> None:
    report = report_text(entries, redaction=redaction)
    shown = [redact_entry(e, redaction) for e in entries]
    assert _mermaid_block(report) == to_mermaid(layout(shown))
    assert mermaid_problems(_mermaid_block(report)) == []


def test_the_report_opens_with_a_title_and_a_summary(entries: list[JournalEntry]) -> None:
    report = report_text(entries, title="Ticket #42 <QA>", generated_ms=T0)
    assert report.startswith("# Ticket \\#42 \\<QA\\>\n")  # escaped: a Markdown-safe title
    assert "| Environment | local |" in report
    assert "| Session | s1, s2 |" in report
    assert "| Exchanges | 5 (2 error, 1 optout, 2 success) |" in report
    assert "| Events | 4 |" in report
    assert "| Generated | 2024-01-01 00:00:00.000 UTC |" in report
    assert report.index("## Sequence") < report.index("## Steps")


def test_there_is_one_section_per_entry_headed_by_its_diagram_labels(
    entries: list[JournalEntry], walkthrough: Walkthrough
) -> None:
    report = report_text(entries)
    headings = re.findall(r"^### (.*)$", report, re.M)
    assert len(headings) == len(entries)
    assert headings[0] == ("1-a User visits · 1-b Login request · 1-c User authenticates (entry 1)")
    assert (
        f"1-d POST /v2/token/generate · 1-e 200 success (entry {walkthrough.generate.seq})"
        in headings
    )
    assert (
        f"3-b POST /v2/token/refresh · 3-c 400 error (entry {walkthrough.refresh_expired.seq})"
        in (headings)
    )
    note = layout(entries).note_for(walkthrough.state_changed.seq)
    assert note is not None
    assert f"Note: {md_escape(note.lines[0])} (entry {walkthrough.state_changed.seq})" in headings
    assert not any("state\\_changed" in h for h in headings), "raw event names stay out"


def test_exchange_sections_show_the_decrypted_request_and_reply(
    entries: list[JournalEntry], walkthrough: Walkthrough
) -> None:
    report = report_text(entries)
    section = report.split(f"(entry {walkthrough.generate.seq})", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"^```json\n(.*?)\n```$", section, re.S | re.M)
    assert len(blocks) == 2
    assert json.loads(blocks[0]) == {"email": "jane.doe@example.com"}
    reply = json.loads(blocks[1])
    assert reply["status"] == "success"
    assert reply["body"]["refresh_response_key"] == "[masked]"
    assert blocks[1].startswith("{\n  ")  # pretty-printed for people
    assert "| Nonce echoed | yes |" in section
    assert "| HTTP status | 200 |" in section
    assert "DII to generate" in section  # the step's plain-words caption


def test_a_plaintext_containing_backticks_cannot_break_out_of_its_fence() -> None:
    block = fenced("a ``` b ```` c", "text")
    assert block.startswith("`````text\n")
    assert block.endswith("\n`````")


def test_events_show_their_details(entries: list[JournalEntry]) -> None:
    report = report_text(entries)
    assert "| from | no\\_identity |" in report
    assert "| to | established |" in report


def test_write_report_writes_the_text(entries: list[JournalEntry], tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    write_report(path, entries, generated_ms=T0)
    assert path.read_text(encoding="utf-8") == report_text(entries, generated_ms=T0)


def test_an_empty_journal_still_gives_a_valid_report() -> None:
    report = report_text([])
    assert mermaid_problems(_mermaid_block(report)) == []
    assert "| Exchanges | 0 |" in report


def test_only_events_make_a_report_without_exchange_sections() -> None:
    event = JournalEntry(
        seq=1,
        at_ms=T0,
        kind=EntryKind.EVENT,
        session="s",
        user=None,
        environment="local",
        step=None,
        outcome=None,
        summary="time warp of 30 s; done",
        exchange=None,
        name="time_warp",
    )
    report = report_text([event])
    assert "Note over Publisher: time warp of 30 s, done" in report  # a caption, no raw name
