"""The integration checks at their edges: boundaries, exact words and mixed sessions.

Same real traffic as ``test_integration_checks``: an outside client on the in-process
operator, a fake clock, the exchanges journalled and read back for the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.operator.support import bearer, seal
from tests.publisher.test_integration_checks import Traffic
from uid2_desk.journal import Journal, JournalEntry, JournalFilter
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.publisher.checks import Finding, Severity, run_checks
from uid2_desk.publisher.checks.chains import reply_body
from uid2_desk.walkthrough.captured import captured_step

pytestmark = pytest.mark.asyncio


def _journalled(
    traffic: Traffic, tmp: Path, user: Callable[[int, Exchange], str | None]
) -> list[Finding]:
    """The findings when the n-th exchange (from 1) is journalled under ``user(n, exchange)``."""
    with Journal.open(tmp / "journal.sqlite3") as journal:
        for n, exchange in enumerate(traffic.captured, start=1):
            journal.append_exchange(
                exchange, session="s", user=user(n, exchange), environment="local",
                step=captured_step(exchange),
            )  # fmt: skip
        entries: list[JournalEntry] = journal.entries(
            JournalFilter(session="s"), limit=None, with_exchanges=True
        )
    return run_checks(entries)


def _only(findings: list[Finding], check: str, starting: str = "") -> Finding:
    """The one finding of ``check`` whose text starts with ``starting``."""
    [found] = [f for f in findings if f.check == check and f.text.startswith(starting)]
    return found


async def test_a_session_with_nothing_wrong_says_so_with_its_exchange_count(
    traffic: Traffic, tmp_path: Path
) -> None:
    await traffic.generate("jane@example.com")
    assert traffic.findings(tmp_path) == [
        Finding(Severity.PASS, "traffic", "no problem found in 1 exchanges")
    ]


async def test_refreshes_in_the_window_are_counted_and_the_session_passes(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(30)  # refresh_from at 30 s: that very millisecond is already in the window
    await traffic.refresh(first["body"]["refresh_token"])
    second = traffic.captured[-1]
    assert second.http_status == 200
    traffic.at(150)  # the new identity's identity_expires: 30 s + 120 s, still in its window
    body = reply_body(second)
    assert body is not None
    await traffic.refresh(str(body["refresh_token"]))
    assert traffic.findings(tmp_path) == [
        Finding(
            Severity.PASS,
            "refresh_timing",
            "2 refreshes came between refresh_from and identity_expires",
        ),
        Finding(Severity.PASS, "traffic", "no problem found in 3 exchanges"),
    ]


async def test_a_session_with_a_warning_does_not_also_say_no_problem_was_found(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(150)
    await traffic.refresh(first["body"]["refresh_token"])
    assert [f.check for f in traffic.findings(tmp_path)] == ["stale_token"]


async def test_an_early_refresh_warns_how_early_it_was_in_whole_seconds(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(9.49)  # refresh_from at 30 s: 20.51 s early, which rounds to 21
    await traffic.refresh(first["body"]["refresh_token"])
    assert traffic.findings(tmp_path) == [
        Finding(
            Severity.WARN,
            "early_refresh",
            "jane@example.com: refreshed 21 s before refresh_from: a wasted call (the operator "
            "returns a new identity, but nothing required one)",
            (1, 2),
        )
    ]


async def test_a_refresh_at_the_exact_millisecond_of_identity_expires_is_still_in_the_window(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(120)
    await traffic.refresh(first["body"]["refresh_token"])
    checks = [f.check for f in traffic.findings(tmp_path)]
    assert checks == ["refresh_timing", "traffic"]


async def test_a_stale_refresh_says_the_seconds_and_what_the_bids_carried(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(290.6)  # 170.6 s after identity_expires: rounds to 171
    await traffic.refresh(first["body"]["refresh_token"])
    stale = _only(traffic.findings(tmp_path, named=False), "stale_token")
    assert stale == Finding(
        Severity.WARN,
        "stale_token",
        "a user: refreshed 171 s after identity_expires: for 171 s bids carried an expired token",
        (1, 2),
    )


async def test_a_late_refresh_says_how_late_and_that_the_identity_was_lost(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(1300)  # refresh_expires at 300 s: 1000 s late
    await traffic.refresh(first["body"]["refresh_token"])
    status = traffic.captured[-1].operator_status
    late = _only(traffic.findings(tmp_path, named=False), "refresh_expired", "a user:")
    assert late == Finding(
        Severity.FAIL,
        "refresh_expired",
        f"a user: refreshed 1000 s after refresh_expires ({status}); the identity was already lost",
        (1, 2),
    )


async def test_a_reused_refresh_token_is_explained_word_for_word(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(40)
    await traffic.refresh(first["body"]["refresh_token"])
    await traffic.refresh(first["body"]["refresh_token"])
    reuse = _only(traffic.findings(tmp_path), "refresh_reuse")
    assert reuse.text == (
        "jane@example.com: a refresh token was used again after it had been refreshed (two "
        "refreshers racing, or an update that was lost)"
    )


async def test_generating_again_at_the_moment_refresh_expires_is_not_a_regenerate(
    traffic: Traffic, tmp_path: Path
) -> None:
    await traffic.generate("jane@example.com")
    traffic.at(300)  # the first identity can no longer be refreshed from this millisecond
    await traffic.generate("jane@example.com")
    assert [f.check for f in traffic.findings(tmp_path)] == ["traffic"]


async def test_a_regenerate_names_both_identities_and_says_to_refresh_instead(
    traffic: Traffic, tmp_path: Path
) -> None:
    await traffic.generate("anonymous@example.com")  # journalled with no user known
    await traffic.generate("jane@example.com")
    traffic.at(60)
    await traffic.generate("jane@example.com")
    users = ChainUsers()
    found = _journalled(traffic, tmp_path, lambda n, ex: None if n == 1 else users(ex))
    assert found == [
        Finding(
            Severity.WARN,
            "regenerate",
            "jane@example.com: generated again while the previous identity could still be "
            "refreshed; refresh it instead",
            (2, 3),
        )
    ]


async def test_refreshing_after_optout_is_found_behind_a_chain_that_never_opted_out(
    traffic: Traffic, tmp_path: Path
) -> None:
    await traffic.generate("jane@example.com")
    first = await traffic.generate("refresh-optout@example.com")
    traffic.at(40)
    await traffic.refresh(first["body"]["refresh_token"])
    await traffic.refresh(first["body"]["refresh_token"])
    after = _only(traffic.findings(tmp_path, named=False), "after_optout")
    assert after == Finding(
        Severity.FAIL,
        "after_optout",
        "a user: the identity was refreshed again after the operator answered optout; drop it "
        "at the first optout",
        (3, 4),
    )


async def test_an_optout_answer_is_the_environments_cause_and_only_warns(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("refresh-optout@example.com")
    traffic.at(40)
    await traffic.refresh(first["body"]["refresh_token"])
    optout = _only(traffic.findings(tmp_path), "optout")
    assert optout.severity is Severity.WARN
    assert optout.seqs == (2,)


async def test_a_refusal_after_a_good_exchange_is_still_counted(
    traffic: Traffic, tmp_path: Path
) -> None:
    await traffic.generate("jane@example.com")
    await traffic.refresh("")
    empty = _only(traffic.findings(tmp_path), "refresh_empty")
    assert (empty.severity, empty.seqs) == (Severity.FAIL, (2,))


async def _skewed(traffic: Traffic, *skews_ms: int) -> None:
    """One generate per skew, its envelope stamped that far from the operator's clock.

    Posted as any client does; a skew past 60 s is refused, and still captured with its skew.
    """
    creds = traffic.operator.credentials.publisher
    for n, skew in enumerate(skews_ms):
        payload = {"email": f"u{n}@example.com", "optout_check": 1}
        sealed = seal(creds.secret, payload, traffic.clock.now_ms() + skew)
        await traffic.http.post("/v2/token/generate", content=sealed.body, headers=bearer(creds))


async def test_a_skew_of_exactly_thirty_seconds_is_not_worth_a_warning(
    traffic: Traffic, tmp_path: Path
) -> None:
    await _skewed(traffic, 30_000, -30_000)
    assert [f.check for f in traffic.findings(tmp_path)] == ["traffic"]


async def test_of_two_equally_bad_skews_the_first_is_named_in_full_words(
    traffic: Traffic, tmp_path: Path
) -> None:
    await _skewed(traffic, 45_000, -45_000)
    assert _only(traffic.findings(tmp_path), "clock_skew") == Finding(
        Severity.WARN,
        "clock_skew",
        "a client's clock was 45 s ahead of the operator's; past 60 s envelopes are refused: "
        "sync it with NTP",
        (1,),
    )


async def test_the_worse_of_two_large_skews_wins_and_is_said_in_whole_seconds(
    traffic: Traffic, tmp_path: Path
) -> None:
    await _skewed(traffic, 45_000, -600_000)
    skew = _only(traffic.findings(tmp_path), "clock_skew")
    assert skew.text.startswith("a client's clock was 600 s behind the operator's")
    assert skew.seqs == (2,)
