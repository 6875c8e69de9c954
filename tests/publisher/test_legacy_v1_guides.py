"""The publisher plays the original v1 guides on the local operator opened with ``legacy_v1``.

The custom publisher guide journals its own step numbers (3-1, 5-2, 6 …), the v1 server-only
guide today's (1-d, 3-b …); both call the v1 GET API and journal, with each v1 exchange, one
line saying what v2 changed. Played on the real in-process operator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from uid2_desk.client.legacy_v1 import LegacyV1Client
from uid2_desk.journal import EntryKind, JournalEntry
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.guides import Guide
from uid2_desk.publisher.model import UserState
from uid2_desk.publisher.scenario import ScenarioPlayer, find_scenario
from uid2_desk.services import DeskServices, OperatorMode, open_services

START_MS = 1_790_000_000_000
pytestmark = pytest.mark.asyncio


async def _desk(tmp_path: Path, guide: Guide) -> DeskServices:
    return await open_services(
        tmp_path,
        operator_mode=OperatorMode.IN_PROCESS,
        clock=ManualClock(START_MS),
        lifetimes="demo",
        returning=False,
        guide=guide,
    )


@pytest_asyncio.fixture
async def custom(tmp_path: Path) -> AsyncIterator[DeskServices]:
    """A desk playing the custom publisher guide."""
    services = await _desk(tmp_path, Guide.CUSTOM_V1)
    try:
        yield services
    finally:
        await services.aclose()


async def _exchanges(services: DeskServices) -> list[JournalEntry]:
    entries = await services.journal.entries(limit=None, with_exchanges=True)
    return [e for e in entries if e.kind is EntryKind.EXCHANGE]


async def test_a_v1_desk_opens_its_operator_with_the_v1_routes(custom: DeskServices) -> None:
    assert custom.operator is not None
    assert custom.operator.legacy_v1
    assert isinstance(custom.publisher.client, LegacyV1Client)
    assert custom.publisher.guide is Guide.CUSTOM_V1


async def test_the_custom_guide_journals_its_own_step_numbers_and_the_get_calls(
    custom: DeskServices,
) -> None:
    publisher = custom.publisher
    snap = await publisher.sign_in(DiiKind.EMAIL, "jane@example.com", send_raw=True)
    await publisher.refresh(snap.user.id)
    await publisher.log_out(snap.user.id)

    entries = await custom.journal.entries(limit=None)
    steps = [(e.name, e.step) for e in entries if e.step is not None]
    assert steps[:2] == [("sign_in_requested", "2"), ("/v1/token/generate", "3-1")]
    assert ("/v1/token/refresh", "5-2") in steps
    assert ("logout", "6") in steps
    server_only_numbers = {"1-b", "1-d", "1-e", "1-f", "3-a", "3-b", "3-d", "4-a", "4-b"}
    assert not {s for _, s in steps} & server_only_numbers

    generate, refresh = await _exchanges(custom)
    assert generate.exchange is not None
    assert refresh.exchange is not None
    assert generate.exchange.method == "GET"
    assert generate.exchange.url.endswith("/v1/token/generate?email=jane%40example.com")
    assert generate.summary is not None
    assert generate.summary.startswith("GET /v1/token/generate → 200 success")
    assert "the email travels in the URL" in generate.summary
    assert "v2 seals it in an encrypted envelope" in generate.summary
    assert refresh.summary is not None
    assert "refresh_response_key" in refresh.summary


async def test_v1_generate_gives_an_opted_out_user_tokens_and_the_refresh_opts_them_out(
    custom: DeskServices,
) -> None:
    """v1 generate checks no opt-outs (OptoutCheckPolicy.DoNotRespect); its refresh does."""
    snap = await custom.publisher.sign_in(DiiKind.EMAIL, "optout@example.com")
    assert snap.state is UserState.ESTABLISHED
    assert snap.identity is not None
    assert snap.identity.refresh_response_key is None
    after = await custom.publisher.refresh(snap.user.id)
    assert after.state is UserState.OPTED_OUT
    assert after.identity is None


async def test_the_v1_server_only_guide_keeps_todays_numbers_with_get_requests(
    tmp_path: Path,
) -> None:
    services = await _desk(tmp_path, Guide.SERVER_ONLY_V1)
    try:
        snap = await services.publisher.sign_in(DiiKind.EMAIL, "validate@example.com")
        assert await services.publisher.validate(snap.user.id) is True
        await services.publisher.refresh(snap.user.id)
        calls = [(e.step, e.exchange.method if e.exchange else "", e.name)
                 for e in await _exchanges(services)]  # fmt: skip
    finally:
        await services.aclose()
    assert calls == [
        ("1-d", "GET", "/v1/token/generate"),
        (None, "GET", "/v1/token/validate"),
        ("3-b", "GET", "/v1/token/refresh"),
    ]


async def test_today_s_guide_stays_on_v2_and_its_operator_answers_v1_with_404(
    tmp_path: Path,
) -> None:
    services = await _desk(tmp_path, Guide.SERVER_ONLY)
    try:
        assert services.operator is not None
        assert not services.operator.legacy_v1
        await services.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
        (generate,) = await _exchanges(services)
    finally:
        await services.aclose()
    assert generate.step == "1-d"
    assert generate.name == "/v2/token/generate"
    assert generate.summary is not None
    assert "v1" not in generate.summary


async def test_a_v1_guide_on_a_remote_environment_is_refused_before_anything_opens(
    tmp_path: Path,
) -> None:
    with pytest.raises(InputError, match=r"removed in July 2025.*--env local"):
        await open_services(tmp_path / "d", env="integ", guide="custom-v1")
    assert not (tmp_path / "d").exists()


async def test_an_unknown_guide_name_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="custom-v1"):
        await open_services(tmp_path, guide="v0")


async def test_the_legacy_scenario_plays_only_on_a_desk_playing_its_guide(
    custom: DeskServices, tmp_path: Path
) -> None:
    scenario = find_scenario("legacy-v1")
    assert scenario.guide is Guide.CUSTOM_V1
    player = ScenarioPlayer(scenario, custom.stage())
    assert player.unsupported is None
    assert await player.play(), [r.line() for r in player.results if not r.held]

    today = await _desk(tmp_path / "v2", Guide.SERVER_ONLY)
    try:
        reason = ScenarioPlayer(scenario, today.stage()).unsupported
    finally:
        await today.aclose()
    assert reason is not None
    assert "uid2-desk run legacy-v1" in reason
