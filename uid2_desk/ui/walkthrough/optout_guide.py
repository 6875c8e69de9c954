"""The opt-out lab's logic without Qt: the guided walk, the presets, the poll's progress line.

On the local operator the lab walks through a real opt-out: sign a user in, opt them out now
(as the opt-out portal would), then watch the next refresh answer ``optout`` and the publisher
clear the identity. :func:`guide_stage` reads the stage from the user's snapshot; the captions
say, in plain words, what happens at each stage and why it matters. On a remote environment
the operator's test identities stand in for a real opt-out (:data:`PRESETS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from uid2_desk.protocol.errors import EnvironmentMismatchError
from uid2_desk.publisher.model import UserSnapshot, UserState
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.publisher.refresh.poll_progress import PollProgress
from uid2_desk.publisher.scenario.model import Caption
from uid2_desk.publisher.scenario.player import Stage
from uid2_desk.ui.common.timefmt import format_duration


class GuideStage(StrEnum):
    """Where the guided opt-out stands."""

    SIGN_IN = "sign_in"
    OPT_OUT = "opt_out"
    REFRESH = "refresh"
    DONE = "done"
    #: Opted out by the operator's refresh-optout test identity, not by an opt-out record.
    TEST_DONE = "test_done"


GUIDE_CAPTIONS: dict[GuideStage, Caption] = {
    GuideStage.SIGN_IN: Caption(
        title="1. Sign a viewer in",
        user="Signs in on the TV with an email address.",
        publisher="Sends the email hash to /v2/token/generate and stores the identity.",
        operator="Answers success: the viewer now has a UID2 token.",
        why="An opt-out only matters for someone who holds an identity.",
    ),
    GuideStage.OPT_OUT: Caption(
        title="2. The viewer opts out",
        user="Visits the UID2 opt-out portal and opts out (here: the local operator's admin "
        "action, as if they had).",
        publisher="Knows nothing yet: it still holds the identity and its refresh token.",
        operator="Records the opt-out. Every identity established before it is now revoked.",
        why="Opt-outs happen away from the publisher; the refresh is how the publisher learns.",
    ),
    GuideStage.REFRESH: Caption(
        title="3. The next refresh learns about it",
        publisher="Refreshes, on demand or when the automatic policy reaches refresh_from.",
        operator="Answers HTTP 200 with the encrypted status optout and no new tokens.",
        why="From that answer on, the publisher must drop the identity and stop sending the "
        "old token into the bidstream.",
    ),
    GuideStage.DONE: Caption(
        title="Done: the identity is cleared",
        publisher="Dropped the tokens: this viewer's ad requests carry no UID2 any more.",
        operator="Has the opt-out on record: generate answers optout for this address too.",
        why="This is what a publisher must do on optout; to try again, sign in another address.",
    ),
    GuideStage.TEST_DONE: Caption(
        title="Done: the test identity answered optout",
        publisher="Dropped the tokens: this viewer's ad requests carry no UID2 any more.",
        operator="Answered optout because this is one of its test identities; no opt-out is on "
        "record (refresh-optout@example.com and +00000000002 sign in again, then opt out on "
        "refresh; optout@example.com and +00000000000 answer optout to every generate).",
        why="The test identities show the publisher's side of an opt-out without a real one.",
    ),
}


def guide_stage(snapshot: UserSnapshot | None, opted_out: bool) -> GuideStage:
    """The guided mode's stage for the lab's user and whether the lab opted them out."""
    if snapshot is None:
        return GuideStage.SIGN_IN
    if snapshot.state is UserState.OPTED_OUT:
        return GuideStage.DONE if opted_out else GuideStage.TEST_DONE
    if snapshot.identity is None:
        return GuideStage.SIGN_IN
    return GuideStage.REFRESH if opted_out else GuideStage.OPT_OUT


def lab_address(stamp_ms: int) -> str:
    """A fresh address for each walk (an opted-out address stays opted out for good)."""
    return f"viewer+{stamp_ms // 1000 % 1_000_000}@example.com"


@dataclass(frozen=True)
class Preset:
    """One of the operator's test identities.

    Attributes:
        kind: ``email`` or ``phone``.
        value: the address or number.
        behaviour: what the operator does with it, in words.
        optout_on: ``generate`` or ``refresh``: which call answers optout.
    """

    kind: str
    value: str
    behaviour: str
    optout_on: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "email",
        "refresh-optout@example.com",
        "generate succeeds; the next refresh answers optout",
        "refresh",
    ),
    Preset(
        "phone", "+00000000002", "generate succeeds; the next refresh answers optout", "refresh"
    ),
    Preset("email", "optout@example.com", "generate answers optout at once", "generate"),
    Preset("phone", "+00000000000", "generate answers optout at once", "generate"),
)


def poll_line(progress: PollProgress, now_ms: int) -> str:
    """The poll's progress in words, e.g. ``Attempt 3 of 60 · 0:45 of 15:00 · next in 0:12``."""
    parts = [
        f"Attempt {progress.attempt} of {progress.planned_attempts}",
        f"{format_duration(progress.elapsed_ms)} of {format_duration(progress.time_limit_ms)}",
    ]
    if progress.next_attempt_ms is not None and progress.outcome is None:
        parts.append(f"next refresh in {format_duration(progress.next_attempt_ms - now_ms + 999)}")
    if progress.last_error:
        parts.append(f"last attempt failed: {progress.last_error}")
    elif progress.last_state:
        parts.append(f"last answer: {UserState(progress.last_state).label}")
    return " · ".join(parts)


async def opt_out_now(stage: Stage, user_id: str) -> UserSnapshot:
    """Opt the user out on the local operator now, as the opt-out portal would."""
    if stage.admin is None:
        raise EnvironmentMismatchError(
            "Only the embedded local operator can opt a user out on demand. On a remote "
            "environment, use a test identity or the real opt-out portal, then wait and poll."
        )
    await stage.opt_out(user_id)  # journaled: the log and the diagram show the cause
    return stage.publisher.snapshot(user_id)


async def refresh_by_policy(stage: Stage, user_id: str) -> UserSnapshot:
    """Switch the user to the automatic policy and let it refresh at ``refresh_from``.

    With the local operator's shared clock the wait is skipped (time warp); elsewhere the
    policy refreshes when ``refresh_from`` really comes (the policy driver ticks every second).
    """
    publisher = stage.publisher
    snapshot = await publisher.set_policy(user_id, PolicyKind.AUTOMATIC)
    identity = snapshot.identity
    if stage.warp is not None and identity is not None:
        ahead = identity.refresh_from_ms - publisher.clock.now_ms()
        if ahead > 0:
            stage.warp(ahead)
        await publisher.tick()
    return publisher.snapshot(user_id)
