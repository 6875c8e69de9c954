"""Every kind of answer the real operator gives is journaled, exported and drawn as what it is.

The exchanges are those :mod:`tests.journal.recorded` recorded from the local operator: a
success, opt-outs, refusals, faults and a timeout, each with the bytes and clocks of the wire.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.journal.har_schema import har_problems
from tests.journal.recorded import SKEW_MS, Recorded
from uid2_desk.journal import Journal, JournalEntry
from uid2_desk.journal.export_har import har_document
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.report.markdown import report_text
from uid2_desk.walkthrough import layout

GENERATE, REFRESH = "/v2/token/generate", "/v2/token/refresh"


class Case(NamedTuple):
    """One recorded exchange and what every view must make of it."""

    name: str
    endpoint: str
    http_status: int | None
    status_text: str
    operator_status: str | None
    outcome: str
    reply_label: str
    #: Operator clock minus desk clock, and its resolution (1 ms envelope, 1000 ms Date).
    skew: tuple[int | None, int | None]


CASES = [
    Case("generate", GENERATE, 200, "OK", "success", "success", "1-e 200 success", (SKEW_MS, 1)),
    # Refresh replies carry no timestamp: the Date header's whole seconds. Sent at T0 + 60 s,
    # answered at T0 + 61.234 s by the operator's clock.
    Case("refresh", REFRESH, 200, "OK", "success", "success", "3-c 200 success", (1000, 1000)),
    Case(
        "optout_generate", GENERATE, 200, "OK", "optout", "optout", "1-e 200 optout", (SKEW_MS, 1)
    ),
    Case("optout_refresh", REFRESH, 200, "OK", "optout", "optout", "3-c 200 optout", (1000, 1000)),
    # The operator's clock was 150 s ahead: refused, and the Date header says by how much.
    Case(
        "client_error",
        GENERATE,
        400,
        "Bad Request",
        "client_error",
        "error",
        "1-e 400 error",
        (150_000, 1000),
    ),
    Case(
        "unauthorized",
        GENERATE,
        401,
        "Unauthorized",
        "unauthorized",
        "error",
        "1-e 401 error",
        (1000, 1000),
    ),
    Case(
        "expired_refresh",
        REFRESH,
        400,
        "Bad Request",
        "expired_token",
        "error",
        "3-c 400 error",
        (1000, 1000),
    ),
    Case(
        "server_error",
        GENERATE,
        500,
        "Internal Server Error",
        "unknown",
        "error",
        "1-e 500 error",
        (1000, 1000),
    ),
    Case(
        "unavailable",
        GENERATE,
        503,
        "Service Unavailable",
        None,
        "error",
        "1-e 503 error",
        (1000, 1000),
    ),
    Case("timeout", GENERATE, None, "", None, "error", "1-e no answer", (None, None)),
]


@pytest.fixture
def entries(tmp_path: Path, recorded: Recorded) -> list[JournalEntry]:
    """Each case's exchange appended, in the order of :data:`CASES`, and read back whole."""
    with Journal.open(tmp_path / "journal.db") as journal:
        for case in CASES:
            journal.append_exchange(
                getattr(recorded, case.name),
                session="s",
                user=case.name,
                environment="local",
                step="1-d" if case.endpoint == GENERATE else "3-b",
            )
        return journal.entries(limit=None, with_exchanges=True)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_journal_classifies_and_summarises_each_answer(
    entries: list[JournalEntry], case: Case
) -> None:
    entry = entries[CASES.index(case)]
    assert (entry.name, entry.http_status, entry.outcome) == (
        case.endpoint,
        case.http_status,
        case.outcome,
    )
    assert entry.exchange is not None
    assert entry.exchange.operator_status == case.operator_status
    if case.http_status is None:
        assert entry.summary.startswith(f"POST {case.endpoint} → no answer: Timed out")
    else:
        head = f"POST {case.endpoint} → {case.http_status} {case.operator_status or ''}"
        took = round(entry.exchange.timings.total_ms)
        assert entry.summary.startswith(f"{head.rstrip()} in {took} ms")
        assert (entry.exchange.error is None) is (case.outcome != "error")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_reply_shows_the_clock_skew_it_carried(
    entries: list[JournalEntry], case: Case
) -> None:
    exchange = entries[CASES.index(case)].exchange
    assert exchange is not None
    assert _skew_as_recorded(exchange) == case.skew


def test_the_har_export_is_valid_and_shows_each_status_as_sent(
    entries: list[JournalEntry],
) -> None:
    har = har_document(entries)
    assert har_problems(har) == []
    shown = [(e["response"]["status"], e["response"]["statusText"]) for e in har["log"]["entries"]]
    assert shown == [(c.http_status or 0, c.status_text) for c in CASES]
    skews = [e["_uid2ClockSkewMs"] for e in har["log"]["entries"]]
    assert skews == [e.exchange.clock_skew_ms for e in entries if e.exchange]
    times = [e["time"] for e in har["log"]["entries"]]
    assert times == [e.exchange.timings.total_ms for e in entries if e.exchange]


def test_the_sequence_diagram_labels_each_reply_by_step_and_status(
    entries: list[JournalEntry],
) -> None:
    diagram = layout(entries)
    replies = [a.label for a in diagram.arrows if a.kind.value == "reply"]
    assert replies == [c.reply_label for c in CASES]


def test_the_report_says_when_the_skew_is_only_good_to_the_second(
    entries: list[JournalEntry],
) -> None:
    report = report_text(entries)
    rows = re.findall(r"^\| Operator clock minus desk clock \| (.*) \|$", report, re.M)
    coarse = "(±1 s: from the reply's Date header)"
    exchanges = [e.exchange for e in entries if e.exchange is not None]
    expected = [
        f"{ex.clock_skew_ms:+d} ms"
        + (f" {coarse}" if ex.clock_skew_resolution_ms == 1000 else
           f" ± {ex.clock_skew_uncertainty_ms} ms")
        for ex in exchanges
        if ex.clock_skew_ms is not None
    ]  # fmt: skip
    assert rows == expected
    assert len(rows) == sum(1 for c in CASES if c.skew[0] is not None)


def test_an_error_reply_keeps_the_operators_own_words(recorded: Recorded) -> None:
    expired = recorded.expired_refresh
    assert json.loads(expired.response_body) == {
        "message": "Expired Token presented",
        "status": "expired_token",
    }
    assert expired.error is not None
    assert "Expired Token presented" in expired.error
    assert recorded.unavailable.response_body == b"Service Unavailable"


def _skew_as_recorded(exchange: Exchange) -> tuple[int | None, int | None]:
    """The skew, snapped to the recorded offset when within its uncertainty (the desk's clock
    is frozen in these recordings while the round trip really takes a millisecond or two)."""
    skew, margin = exchange.clock_skew_ms, exchange.clock_skew_uncertainty_ms
    precise = exchange.clock_skew_resolution_ms == 1
    if precise and skew is not None and margin is not None and abs(skew - SKEW_MS) <= margin:
        skew = SKEW_MS
    return skew, exchange.clock_skew_resolution_ms
