"""The integration checks judge real traffic: a client's calls to the operator, on a fake clock.

Each case drives the in-process operator as an outside client would (generate, refresh at
some moment), captures what it served into a journal, and reads what the checks say.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.operator.support import generate
from uid2_desk.journal import Journal, JournalEntry, JournalFilter
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.publisher.checks import Finding, Severity, run_checks
from uid2_desk.walkthrough.captured import captured_step

pytestmark = pytest.mark.asyncio
START_MS = 1_767_225_600_000
#: refresh_from 30 s, identity 120 s, refresh 300 s
DEMO = Lifetimes.demo()


class Traffic:
    """An outside client on the operator, whose requests end up in a journal."""

    def __init__(self, operator: LocalOperator, clock: ManualClock, http: httpx.AsyncClient):
        self.operator, self.clock, self.http = operator, clock, http
        self.captured: list[Exchange] = []
        operator.capture_to(self.captured.append)

    async def generate(self, email: str) -> dict[str, Any]:
        creds = self.operator.credentials.publisher
        return await generate(self.http, creds, self.clock.now_ms(), email=email)

    async def refresh(self, token: str) -> None:
        await self.http.post("/v2/token/refresh", content=token)

    def at(self, seconds: float) -> None:
        self.clock.set(START_MS + int(seconds * 1000))

    def findings(self, tmp: Path, *, named: bool = True) -> list[Finding]:
        """The checks' findings; ``named=False`` journals the traffic with no user known."""
        users = ChainUsers() if named else (lambda _: None)
        with Journal.open(tmp / "journal.sqlite3") as journal:
            for exchange in self.captured:
                journal.append_exchange(
                    exchange, session="s", user=users(exchange), environment="local",
                    step=captured_step(exchange),
                )  # fmt: skip
            entries: list[JournalEntry] = journal.entries(
                JournalFilter(session="s"), limit=None, with_exchanges=True
            )
        return run_checks(entries)


@pytest.fixture
def operator(tmp_path: Path) -> Iterator[tuple[LocalOperator, ManualClock]]:
    clock = ManualClock(START_MS)
    op = LocalOperator.open(tmp_path / "op", clock=clock, lifetimes=DEMO)
    yield op, clock
    op.close()


@pytest_asyncio.fixture
async def traffic(operator: tuple[LocalOperator, ManualClock]) -> AsyncIterator[Traffic]:
    op, clock = operator
    transport = httpx.ASGITransport(app=op.asgi_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://op.test") as http:
        yield Traffic(op, clock, http)


def _by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


async def test_a_refresh_between_refresh_from_and_expiry_passes(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(45)
    await traffic.refresh(first["body"]["refresh_token"])
    found = _by_check(traffic.findings(tmp_path))
    assert found["refresh_timing"].severity is Severity.PASS
    assert "1 refreshes came between" in found["refresh_timing"].text
    assert all(f.severity is Severity.PASS for f in found.values())


async def test_a_refresh_after_identity_expires_warns_how_long_the_token_was_stale(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(150)  # identity_expires at 120 s
    await traffic.refresh(first["body"]["refresh_token"])
    stale = _by_check(traffic.findings(tmp_path))["stale_token"]
    assert stale.severity is Severity.WARN
    assert "refreshed 30 s after identity_expires" in stale.text
    assert stale.seqs == (1, 2)


async def test_a_refresh_after_refresh_expires_fails(traffic: Traffic, tmp_path: Path) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(330)  # refresh_expires at 300 s
    await traffic.refresh(first["body"]["refresh_token"])
    found = _by_check(traffic.findings(tmp_path))
    assert found["refresh_expired"].severity is Severity.FAIL
    assert "jane@example.com: refreshed 30 s after refresh_expires" in found["refresh_expired"].text


async def test_generating_again_while_the_identity_could_be_refreshed_warns(
    traffic: Traffic, tmp_path: Path
) -> None:
    await traffic.generate("jane@example.com")
    traffic.at(60)
    await traffic.generate("jane@example.com")
    regenerate = _by_check(traffic.findings(tmp_path))["regenerate"]
    assert regenerate.severity is Severity.WARN
    assert regenerate.text.startswith("jane@example.com: generated again")


async def test_a_refresh_token_used_twice_fails_as_a_lost_update(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(40)
    await traffic.refresh(first["body"]["refresh_token"])
    await traffic.refresh(first["body"]["refresh_token"])
    reuse = _by_check(traffic.findings(tmp_path))["refresh_reuse"]
    assert reuse.severity is Severity.FAIL
    assert reuse.seqs == (2, 3)
    assert reuse.line().startswith("FAIL refresh_reuse: jane@example.com: a refresh token was")


async def test_a_refresh_at_the_last_millisecond_of_the_refresh_token_is_not_too_late(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(300)  # refresh_expires at 300 s: still alive at that very millisecond
    await traffic.refresh(first["body"]["refresh_token"])
    found = _by_check(traffic.findings(tmp_path))
    assert "refresh_expired" not in found
    assert found["stale_token"].text.startswith("jane@example.com: refreshed 180 s after")


async def test_each_refusal_is_counted_under_its_cause_with_its_entries(
    traffic: Traffic, tmp_path: Path
) -> None:
    await traffic.refresh("")
    await traffic.refresh("")
    empty = _by_check(traffic.findings(tmp_path))["refresh_empty"]
    assert empty.severity is Severity.FAIL
    assert empty.seqs == (1, 2)
    assert empty.text == (
        "2× The refresh request had an empty body. Send the refresh token itself as the body "
        "(text/plain), exactly as it was received."
    )


@pytest.mark.parametrize(("skew_s", "side"), [(45, "ahead of"), (-50, "behind")])
async def test_the_worst_clock_skew_is_named_with_its_side(
    traffic: Traffic, tmp_path: Path, skew_s: int, side: str
) -> None:
    creds = traffic.operator.credentials.publisher
    now = traffic.clock.now_ms()
    await generate(traffic.http, creds, now + 10_000, email="jane@example.com")
    await generate(traffic.http, creds, now + skew_s * 1000, email="joe@example.com")
    skew = _by_check(traffic.findings(tmp_path))["clock_skew"]
    assert skew.severity is Severity.WARN
    assert skew.text.startswith(f"a client's clock was {abs(skew_s)} s {side} the operator's")
    assert skew.seqs == (2,)


async def test_refreshing_after_the_operator_said_optout_fails(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("refresh-optout@example.com")
    traffic.at(40)
    await traffic.refresh(first["body"]["refresh_token"])
    await traffic.refresh(first["body"]["refresh_token"])
    after = _by_check(traffic.findings(tmp_path))["after_optout"]
    assert after.severity is Severity.FAIL
    assert after.seqs == (2, 3)
    assert after.text.startswith("refresh-optout@example.com: the identity was refreshed again")


async def test_a_reused_token_of_an_unnamed_user_is_said_of_a_user(
    traffic: Traffic, tmp_path: Path
) -> None:
    first = await traffic.generate("jane@example.com")
    traffic.at(40)
    await traffic.refresh(first["body"]["refresh_token"])
    await traffic.refresh(first["body"]["refresh_token"])
    found = _by_check(traffic.findings(tmp_path, named=False))
    assert found["refresh_reuse"].text.startswith("a user: a refresh token was used again")
