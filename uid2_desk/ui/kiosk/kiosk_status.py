"""How fast the kiosk goes, and what its loop reports to the screen on every change."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.publisher.scenario.results import StepResult
from uid2_desk.ui.walkthrough.paced_player import WaitInfo


@dataclass(frozen=True)
class KioskPacing:
    """How fast the kiosk goes.

    Attributes:
        step_pause_s: rest after each step, to read its caption.
        wait_cap_s: the longest a wait step is waited in real time before skipping ahead.
        end_card_s: how long the end of a scenario stays on screen.
        idle_resume_s: after a touch or key pauses the loop, how long without input before
            it resumes by itself.
    """

    step_pause_s: float = 7.0
    wait_cap_s: float = 15.0
    end_card_s: float = 8.0
    idle_resume_s: float = 60.0


class KioskPhase(StrEnum):
    """What the kiosk is doing."""

    STARTING = "starting"
    PLAYING = "playing"
    WAITING = "waiting"
    PAUSED = "paused"
    END_CARD = "end_card"


@dataclass(frozen=True)
class KioskStatus:
    """What the kiosk screen shows besides the diagram; emitted on every change.

    Attributes:
        phase: what the loop is doing.
        scenario: the scenario on stage.
        step_index: the step in progress or last played.
        result: the last step's result (``None`` while a step runs).
        wait: the real-time wait in progress.
        runs: scenario runs started since the kiosk began.
        loops: complete passes through the playlist.
        resume_at_ms: when a paused loop resumes by itself (pacing clock), if it will.
        passed: at the end card, whether every expectation of the run held.
    """

    phase: KioskPhase
    scenario: Scenario | None = None
    step_index: int | None = None
    result: StepResult | None = None
    wait: WaitInfo | None = None
    runs: int = 0
    loops: int = 0
    resume_at_ms: int | None = None
    passed: bool | None = None
