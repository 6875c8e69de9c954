"""to_mermaid writes the laid-out diagram as a well-formed Mermaid sequence diagram."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.journal.conftest import append_walkthrough
from tests.journal.recorded import Recorded
from tests.walkthrough.mermaid_grammar import mermaid_problems
from tests.walkthrough.test_layout import event, exchange
from uid2_desk.journal import Journal
from uid2_desk.walkthrough import layout, mermaid_text, to_mermaid


def test_a_whole_walkthrough_becomes_valid_mermaid_row_for_row(
    tmp_path: Path, recorded: Recorded
) -> None:
    with Journal.open(tmp_path / "j.db") as journal:
        append_walkthrough(journal, recorded)
        diagram = layout(journal.entries())
    text = to_mermaid(diagram)
    assert mermaid_problems(text) == []
    lines = text.splitlines()
    assert lines[:5] == [
        "sequenceDiagram",
        "    participant Device as Device (CTV / app)",
        "    participant Publisher as Publisher server",
        "    participant Operator as UID2 operator",
        "    participant SSP as SSP",
    ]
    assert len(lines) == 5 + len(diagram.rows())
    assert "    Publisher->>Operator: 1-d POST /v2/token/generate" in lines
    assert "    Operator-->>Publisher: 1-e 200 success" in lines
    assert "    Operator--xPublisher: 3-c 400 error" in lines
    assert "    Operator--xPublisher: 1-e no answer" in lines
    assert "    Note over Publisher: No identity → Established" in lines
    assert text.endswith("\n")


def test_a_failed_event_ends_in_a_cross() -> None:
    text = to_mermaid(layout([event(1, "identity_set", "3-d", outcome="error")]))
    assert "    Publisher-xDevice: 3-d Identity set" in text.splitlines()


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("refresh #2; retry", "refresh No.2, retry"),
        ("line one\nline two\r\nthree", "line one line two three"),
        ("<b>bold</b>", "‹b›bold‹/b›"),
        ("100%% sure", "100% sure"),
        ("   ", "(no label)"),
        ("1-d POST /v2/token/generate", "1-d POST /v2/token/generate"),
    ],
)
def test_text_is_made_safe_for_mermaid(raw: str, safe: str) -> None:
    assert mermaid_text(raw) == safe


def test_hostile_event_text_still_gives_a_valid_diagram() -> None:
    hostile = event(1, "policy", summary="a;b #c <script> %% d\nNote over X: e")
    text = to_mermaid(layout([hostile, exchange(2, "/v2/token/generate")]))
    assert mermaid_problems(text) == []


def test_a_two_line_note_breaks_its_lines_with_mermaids_br() -> None:
    entry = event(
        1,
        "state_changed",
        outcome="established",
        summary="Jane: No identity → Established (generate answered success)",
        detail=(("cause", "generate answered success"),),
    )
    text = to_mermaid(layout([entry]))
    assert mermaid_problems(text) == []
    assert text.splitlines()[-1] == (
        "    Note over Publisher: Jane: No identity → Established<br/>generate answered success"
    )


def test_markup_inside_a_note_line_is_still_neutralised() -> None:
    entry = event(1, "policy", summary="<br/> <b>x</b>", detail=(("cause", "a<br/>b"),))
    text = to_mermaid(layout([entry]))
    assert mermaid_problems(text) == []
    assert text.count("<br/>") == 1  # only the desk's own line break


def test_the_checker_catches_what_would_break_mermaid() -> None:
    # The checker must be able to fail, or passing it proves nothing.
    bad = "\n".join(
        [
            "sequenceDiagram",
            "    participant Device as Device",
            "    Device->>Ghost: undeclared",
            "    Device->>Device: a; b",
            "    Device->>Device: #1",
            "    Device=>Device: wrong arrow",
            "    participant End as a box",
            "    Device->>Device: a<br/>b",
            "    Note over Device: a<br>b",
            "    Note over Device: a<br/>",
        ]
    )
    flagged = {problem.split(" (", 1)[0] for problem in mermaid_problems(bad)}
    assert flagged == {f"line {n}" for n in range(3, 11)}  # every line after the first two
