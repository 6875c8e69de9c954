"""The opt-out lab on the real publisher and the real local operator (in process).

Guided mode: sign in, opt out now, then a manual or automatic refresh answers optout and the
identity clears. Wait-and-poll: the operator's test identities and a user opted out while the
poll runs, on a fake clock (the poll's sleep moves it), with its bounds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.stage_desk import LoopRunner
from uid2_desk.journal import EntryKind, JournalFilter
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher import UserState
from uid2_desk.publisher.refresh.poll_progress import PollOutcome
from uid2_desk.publisher.scenario.player import Stage
from uid2_desk.services import DeskServices
from uid2_desk.ui.walkthrough.optout_guide import GUIDE_CAPTIONS, GuideStage, guide_stage
from uid2_desk.ui.walkthrough.optout_lab import OptOutLab

# Showing a top-level window on the offscreen platform logs this; it is not ours.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


class PollTime:
    """The poll's sleep: moves the shared manual clock, optionally acting on the n-th sleep."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sleeps = 0
        self.on_sleep: dict[int, object] = {}

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.clock.advance(round(seconds * 1000))
        action = self.on_sleep.get(self.sleeps)
        if action is not None:
            await action  # type: ignore[misc]
        await asyncio.sleep(0)


@pytest.fixture
def runner(qtbot: QtBot, loop: asyncio.AbstractEventLoop) -> LoopRunner:
    return LoopRunner(qtbot, loop)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def services(tmp_path: Path, clock: ManualClock, runner: LoopRunner) -> Iterator[DeskServices]:
    desk = runner.open_desk(tmp_path, clock)
    yield desk
    runner.run(desk.aclose())


def _lab(qtbot: QtBot, stage: Stage, time: PollTime) -> OptOutLab:
    lab = OptOutLab()
    qtbot.addWidget(lab)
    lab.attach(stage, poll_clock=time.clock, poll_sleep=time.sleep)
    return lab


def _click(qtbot: QtBot, lab: OptOutLab, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not lab.runner.busy, timeout=15_000)


def _stage(lab: OptOutLab) -> GuideStage:
    return lab.stage_now


def _exchange_statuses(runner: LoopRunner, services: DeskServices) -> list[str | None]:
    entries = runner.run(services.journal.entries(JournalFilter(kind=EntryKind.EXCHANGE)))
    return [f"{e.name} {e.outcome}" for e in entries]


def test_guided_opt_out_then_a_manual_refresh_answers_optout_and_clears_the_identity(
    qtbot: QtBot, services: DeskServices, runner: LoopRunner, clock: ManualClock
) -> None:
    lab = _lab(qtbot, services.stage(), PollTime(clock))
    assert lab.guide_caption.heading.text() == "1. Sign a viewer in"
    assert lab.address.text().startswith("viewer+")
    _click(qtbot, lab, lab.sign_in_button)
    assert _stage(lab) is GuideStage.OPT_OUT
    assert lab.guide_caption.heading.text() == "2. The viewer opts out"
    assert lab.state_badge.text().endswith(": Established")
    assert lab.opt_out_button.isEnabled()
    _click(qtbot, lab, lab.opt_out_button)
    assert _stage(lab) is GuideStage.REFRESH
    assert "optout" in lab.guide_caption.line("operator")
    _click(qtbot, lab, lab.refresh_button)
    assert _stage(lab) is GuideStage.DONE
    assert lab.guide_caption.heading.text() == "Done: the identity is cleared"
    assert lab.state_badge.text().endswith(": Opted out")
    snapshot = services.publisher.snapshot(lab.user_id or "")
    assert snapshot.identity is None
    assert _exchange_statuses(runner, services) == [
        "/v2/token/generate success",
        "/v2/token/refresh optout",
    ]
    # The cause is on record before its effect (issue 16: the log jumped to 3-c optout).
    events = runner.run(services.journal.entries(JournalFilter(kind=EntryKind.EVENT)))
    names = [e.name for e in events]
    assert "user_opted_out" in names
    assert names.index("user_opted_out") < len(names) - 1
    assert not lab.opt_out_button.isEnabled()


def test_guided_opt_out_picked_up_by_the_automatic_policy_at_refresh_from(
    qtbot: QtBot, services: DeskServices, runner: LoopRunner, clock: ManualClock
) -> None:
    lab = _lab(qtbot, services.stage(), PollTime(clock))
    _click(qtbot, lab, lab.sign_in_button)
    _click(qtbot, lab, lab.opt_out_button)
    before = services.clock.now_ms()
    _click(qtbot, lab, lab.auto_button)
    assert _stage(lab) is GuideStage.DONE
    snapshot = services.publisher.snapshot(lab.user_id or "")
    assert snapshot.policy.value == "automatic"
    assert services.clock.now_ms() - before >= 29_000  # warped to refresh_from (30 s, demo)
    assert _exchange_statuses(runner, services)[-1] == "/v2/token/refresh optout"


def test_without_the_local_operator_the_guided_opt_out_is_off_and_says_why(
    qtbot: QtBot, services: DeskServices, clock: ManualClock
) -> None:
    remote_like = Stage(publisher=services.publisher)  # no admin surface, no time warp
    lab = _lab(qtbot, remote_like, PollTime(clock))
    lab.show()
    assert not lab.sign_in_button.isEnabled()
    assert lab.remote_hint.isVisible()
    assert "needs the embedded local operator" in lab.remote_hint.text()
    assert lab.preset_button.isEnabled()


def test_the_refresh_optout_test_identity_is_found_on_the_first_poll(
    qtbot: QtBot, services: DeskServices, runner: LoopRunner, clock: ManualClock
) -> None:
    time = PollTime(clock)
    lab = _lab(qtbot, Stage(publisher=services.publisher), time)
    lab.preset.setCurrentIndex(lab.preset.findData("refresh-optout@example.com"))
    _click(qtbot, lab, lab.preset_button)
    lab.interval.setValue(5)
    _click(qtbot, lab, lab.start_button)
    assert lab.progress is not None
    assert lab.progress.outcome is PollOutcome.OPTED_OUT
    assert lab.progress.attempt == 1
    assert lab.poll_outcome.text() == PollOutcome.OPTED_OUT.sentence
    assert "#15803d" in lab.poll_outcome.styleSheet()
    assert lab.poll_bar.value() == lab.poll_bar.maximum()
    assert lab.poll_status.text().startswith("Attempt 1 of 60 · 0:00 of 15:00")
    assert lab.poll_status.text().endswith("last answer: Opted out")
    assert time.sleeps == 0


def test_polling_catches_an_opt_out_that_happens_while_it_waits(
    qtbot: QtBot, services: DeskServices, runner: LoopRunner, clock: ManualClock
) -> None:
    time = PollTime(clock)
    stage = services.stage()
    lab = _lab(qtbot, stage, time)
    _click(qtbot, lab, lab.sign_in_button)
    user = services.publisher.snapshot(lab.user_id or "").user
    assert stage.admin is not None
    time.on_sleep[2] = stage.admin.opt_out(user)  # the viewer opts out after the 2nd refresh
    lab.interval.setValue(10)
    _click(qtbot, lab, lab.start_button)
    assert lab.progress is not None
    assert lab.progress.outcome is PollOutcome.OPTED_OUT
    assert lab.progress.attempt == 3
    assert lab.progress.elapsed_ms == 20_000
    statuses = _exchange_statuses(runner, services)
    assert statuses[1:] == ["/v2/token/refresh success"] * 2 + ["/v2/token/refresh optout"]


def test_polling_a_user_who_never_opts_out_stops_at_the_attempt_limit(
    qtbot: QtBot, services: DeskServices, runner: LoopRunner, clock: ManualClock
) -> None:
    lab = _lab(qtbot, services.stage(), PollTime(clock))
    _click(qtbot, lab, lab.sign_in_button)
    lab.interval.setValue(5)
    lab.attempts.setValue(3)
    _click(qtbot, lab, lab.start_button)
    assert lab.progress is not None
    assert lab.progress.outcome is PollOutcome.ATTEMPTS_EXHAUSTED
    assert lab.poll_outcome.text() == PollOutcome.ATTEMPTS_EXHAUSTED.sentence
    refreshes = [s for s in _exchange_statuses(runner, services) if "refresh" in str(s)]
    assert len(refreshes) == 3


def test_stop_ends_the_poll_while_it_waits(
    qtbot: QtBot, services: DeskServices, clock: ManualClock
) -> None:
    lab = _lab(qtbot, services.stage(), PollTime(clock))
    _click(qtbot, lab, lab.sign_in_button)
    lab._poll_sleep = asyncio.sleep  # a real (long) wait between attempts
    lab.interval.setValue(60)
    QTest.mouseClick(lab.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lab.progress is not None and lab.progress.attempt == 1)
    assert lab.stop_button.isEnabled()
    QTest.mouseClick(lab.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not lab.polling_active, timeout=5_000)
    assert lab.progress is not None
    assert lab.progress.outcome is PollOutcome.STOPPED
    assert lab.start_button.isEnabled()


def test_the_poll_bounds_offered_are_the_pollers_bounds(
    qtbot: QtBot, services: DeskServices, clock: ManualClock
) -> None:
    lab = _lab(qtbot, services.stage(), PollTime(clock))
    assert (lab.interval.minimum(), lab.interval.maximum()) == (5, 600)
    assert (lab.attempts.minimum(), lab.attempts.maximum()) == (1, 500)
    assert (lab.limit.minimum(), lab.limit.maximum()) == (1, 240)


def test_the_guide_reads_its_stage_from_the_snapshot() -> None:
    assert guide_stage(None, opted_out=False) is GuideStage.SIGN_IN


def test_a_polled_test_identity_leaves_the_guided_walk_and_its_address_alone(
    qtbot: QtBot, services: DeskServices, runner: LoopRunner, clock: ManualClock
) -> None:
    """Issue 16: the test-identity button took over the guided section's address and stage."""
    lab = _lab(qtbot, services.stage(), PollTime(clock))
    typed = lab.address.text()
    lab.preset.setCurrentIndex(lab.preset.findData("refresh-optout@example.com"))
    _click(qtbot, lab, lab.preset_button)
    _click(qtbot, lab, lab.start_button)
    assert lab.progress is not None
    assert lab.progress.outcome is PollOutcome.OPTED_OUT
    assert lab.address.text() == typed
    assert lab.user_id is None
    assert _stage(lab) is GuideStage.SIGN_IN
    assert lab.guide_caption.heading.text() == "1. Sign a viewer in"
    lab.resize(560, 900)
    shot = Path("artifacts/screenshots/optout-lab-test-identity-polled.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert lab.grab().save(str(shot))


def test_signing_in_again_clears_an_old_polls_opted_out_line(
    qtbot: QtBot, services: DeskServices, runner: LoopRunner, clock: ManualClock
) -> None:
    """Issue 16: "Attempt 1 of 60 … Opted out" stayed while the new user was Established."""
    lab = _lab(qtbot, services.stage(), PollTime(clock))
    lab.preset.setCurrentIndex(lab.preset.findData("refresh-optout@example.com"))
    _click(qtbot, lab, lab.preset_button)
    _click(qtbot, lab, lab.start_button)
    assert lab.poll_status.text().endswith("last answer: Opted out")
    _click(qtbot, lab, lab.preset_button)  # the same test identity signs in again: Established
    assert services.publisher.snapshot(lab.poll_user_id or "").state is UserState.ESTABLISHED
    assert lab.poll_status.text() == "Not polling."
    assert lab.poll_outcome.text() == ""
    assert lab.progress is None


def test_a_test_identitys_optout_is_not_said_to_be_on_record() -> None:
    """Issue 16: the lab said the operator "will answer optout to generate from now on"."""
    caption = GUIDE_CAPTIONS[GuideStage.TEST_DONE]
    assert "no opt-out is on record" in caption.operator
    assert "refresh-optout@example.com and +00000000002 sign in again" in caption.operator
    assert "generate answers optout" in GUIDE_CAPTIONS[GuideStage.DONE].operator
