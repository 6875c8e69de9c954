"""Every shipped scenario holds under every lifetimes profile, on the real local operator.

The GUI and the kiosk play on ``demo`` lifetimes (refresh_from 30 s, identity 2 min, refresh
5 min), ``uid2-desk run`` and the standalone operator default to ``local`` (15 min / 1 h /
24 h), and ``prod`` is 1 h / 72 h / 30 days. A scenario's waits and expectations are written
relative to the identity's own moments, so the same file must pass under all three: here the
operator runs in process (``httpx.ASGITransport``) on a fake clock that the scenario's waits
warp, for the headless player and for the in-window paced player (which waits in "real" time
first: a fake sleep that moves the same clock).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from uid2_desk.operator.state.lifetimes import LifetimeProfile, Lifetimes
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher.scenario import ScenarioPlayer, StepStatus, find_scenario, load_all
from uid2_desk.publisher.scenario.model import Action, WaitUntil
from uid2_desk.publisher.scenario.waits import deadline_ms
from uid2_desk.services import DeskServices, OperatorMode, open_services
from uid2_desk.ui.walkthrough.paced_player import PacedPlayer

#: 2026-09-21T…Z: a fixed, plausible "now" for the fake clock.
START_MS = 1_790_000_000_000
#: Today's guide's scenarios; the v1 guides' have their own desk (test_legacy_v1_lifetimes).
SCENARIOS = [s.name for s in load_all() if not s.guide.legacy_v1]
PROFILES = [p.value for p in LifetimeProfile]


@dataclass(frozen=True)
class Desk:
    """A running desk and the fake clock under its shared warp clock."""

    services: DeskServices
    clock: ManualClock


@pytest_asyncio.fixture
async def desk(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Desk]:
    """A desk on the in-process local operator with the profile the test is parametrized by."""
    clock = ManualClock(START_MS)
    services = await open_services(
        tmp_path,
        operator_mode=OperatorMode.IN_PROCESS,
        clock=clock,
        lifetimes=str(request.param),
        returning=False,
    )
    try:
        yield Desk(services, clock)
    finally:
        await services.aclose()


def test_the_profiles_are_demo_local_and_prod_with_demo_the_shortest() -> None:
    assert PROFILES == ["demo", "local", "prod"]
    demo = Lifetimes.demo()
    assert (demo.refresh_from_s, demo.identity_s, demo.refresh_s) == (30, 120, 300)


@pytest.mark.asyncio
@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("desk", PROFILES, indirect=True)
async def test_every_shipped_scenario_holds_under_every_lifetimes_profile(
    desk: Desk, name: str
) -> None:
    player = ScenarioPlayer(find_scenario(name), desk.services.stage())
    assert player.unsupported is None

    passed = await player.play()

    assert passed, [r.line() for r in player.results if not r.held]
    assert [r.status for r in player.results] == [StepStatus.PASSED] * len(player.results)


@pytest.mark.asyncio
@pytest.mark.parametrize("desk", PROFILES, indirect=True)
async def test_waits_until_an_expiry_land_past_it_so_the_operator_agrees_it_expired(
    desk: Desk,
) -> None:
    """The expiry scenario's late refresh is refused only if the wait crossed the moment."""
    publisher = desk.services.publisher
    player = ScenarioPlayer(find_scenario("expiry"), desk.services.stage())
    landed: dict[str, tuple[int, int]] = {}
    while not player.done:
        step = player.scenario.steps[player.position]
        until = step.param("until")
        identity = None
        if player.user_id is not None:
            identity = publisher.snapshot(player.user_id).identity
        result = await player.step()
        assert result.held, result.line()
        if step.action is Action.WAIT and until is not None and identity is not None:
            landed[str(until)] = (
                publisher.clock.now_ms(),
                deadline_ms(identity, WaitUntil(str(until))),
            )

    now, moment = landed["refresh_expires"]
    assert now > moment  # strictly after: the operator's test is expires < now
    now, moment = landed["identity_expires"]
    assert now > moment
    now, moment = landed["refresh_due"]
    assert now == moment  # refresh_from is due at the moment itself
    assert player.passed  # the late refresh was refused with expired_token


class FakeTime:
    """A sleep that moves the desk's fake clock (what real time would do on screen)."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.slept_ms = 0

    async def sleep(self, seconds: float) -> None:
        ms = round(seconds * 1000)
        self.slept_ms += ms
        self.clock.advance(ms)
        await asyncio.sleep(0)


@pytest.mark.asyncio
@pytest.mark.parametrize("wait_cap_s", [None, 5.0], ids=["window", "kiosk cap"])
@pytest.mark.parametrize("desk", ["demo"], indirect=True)
async def test_the_expiry_scenario_holds_on_the_paced_path_under_demo_lifetimes(
    desk: Desk, wait_cap_s: float | None
) -> None:
    """The in-window (and kiosk) player waits in real time first, then the step warps."""
    player = ScenarioPlayer(find_scenario("expiry"), desk.services.stage())
    fake = FakeTime(desk.clock)
    paced = PacedPlayer(player, clock=desk.services.clock, sleep=fake.sleep, wait_cap_s=wait_cap_s)

    reached_end = await paced.play()

    assert reached_end
    assert player.passed, [r.line() for r in player.results if not r.held]
    assert fake.slept_ms > 0  # it really waited, then the step warped the rest
