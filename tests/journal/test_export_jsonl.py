"""The JSONL export writes one self-contained JSON object per entry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.journal.conftest import Walkthrough
from uid2_desk.journal import Journal
from uid2_desk.journal.codec import exchange_from_json
from uid2_desk.journal.export_common import write_text_atomic
from uid2_desk.journal.export_jsonl import jsonl_lines, write_jsonl
from uid2_desk.journal.redaction import Redaction, redact_exchange
from uid2_desk.protocol.errors import StorageError


def test_each_entry_is_one_line_in_sequence_order(
    journal: Journal, walkthrough: Walkthrough, tmp_path: Path
) -> None:
    entries = journal.entries(limit=None, with_exchanges=True)
    path = tmp_path / "journal.jsonl"
    write_jsonl(path, entries)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(walkthrough.all)
    objects = [json.loads(line) for line in lines]
    assert [o["seq"] for o in objects] == [e.seq for e in walkthrough.all]
    first = objects[0]
    assert (first["kind"], first["name"], first["step"], first["session"]) == (
        "event",
        "sign_in_requested",
        "1-b",
        "s1",
    )
    assert first["detail"] == [["kind", "email"], ["sent", "email"]]
    assert first["at"] == "2024-01-01T00:00:00.000+00:00"
    assert first["exchange"] is None


def test_an_exchange_line_reads_back_as_the_exported_exchange(
    journal: Journal, walkthrough: Walkthrough
) -> None:
    entries = journal.entries(limit=None, with_exchanges=True)
    by_seq = {json.loads(line)["seq"]: json.loads(line) for line in jsonl_lines(entries)}
    line = by_seq[walkthrough.generate.seq]
    assert (line["http_status"], line["outcome"], line["method"]) == (200, "success", "POST")
    original = walkthrough.generate.exchange
    assert original is not None
    assert exchange_from_json(line["exchange"]) == redact_exchange(original, Redaction())


def test_redaction_options_reach_the_lines(journal: Journal, walkthrough: Walkthrough) -> None:
    entries = journal.entries(limit=None, with_exchanges=True)
    text = "\n".join(jsonl_lines(entries, redaction=Redaction(mask_dii=True)))
    assert "jane.doe@example.com" not in text
    assert "jane.doe@example.com" in "\n".join(jsonl_lines(entries))


def _failing_stream(error: Exception) -> Iterator[str]:
    yield '{"seq": 1}\n'
    raise error


def test_an_export_whose_stream_fails_leaves_no_file_and_no_temporary_behind(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.jsonl"
    with pytest.raises(StorageError, match="the journal went away"):
        write_text_atomic(path, _failing_stream(StorageError("the journal went away")))
    assert list(tmp_path.iterdir()) == []


def test_an_os_error_while_exporting_becomes_advice_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("the previous export\n", encoding="utf-8")
    with pytest.raises(StorageError, match=r"Could not write .*No space left.*Free some space on"):
        write_text_atomic(path, _failing_stream(OSError(28, "No space left on device")))
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_text(encoding="utf-8") == "the previous export\n"  # not half-replaced
