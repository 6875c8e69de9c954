"""What the kiosk's TV screen, top bar and countdowns say, as pure functions of the core's data.

The kiosk widgets only paint these values, so tests check the words a visitor reads without
a screen, and the window stays free of decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.journal import JournalEntry
from uid2_desk.publisher.model import UserSnapshot
from uid2_desk.ui.common.theme import state_swatch
from uid2_desk.ui.common.timefmt import format_duration
from uid2_desk.ui.kiosk.kiosk_status import KioskPhase, KioskStatus

#: The made-up streaming app the TV runs (the publisher).
APP_NAME = "StreamBox"
TOKEN_HEAD = 14
TOKEN_TAIL = 6
_GREY = "#334155"
_MOMENTS = {
    "refresh_due": "refresh_from",
    "identity_expires": "identity_expires",
    "refresh_expires": "refresh_expires",
}


@dataclass(frozen=True)
class DeviceState:
    """The TV's screen.

    Attributes:
        who: the signed-in line (``Signed in as …`` or ``Not signed in``).
        state: the identity's state in words.
        state_fill: the state badge colour.
        ad_title: the ad slot's heading.
        ad_text: what the ad slot shows: the token the ad was bought with, or why none.
        ad_fill: the ad slot's colour.
    """

    who: str
    state: str
    state_fill: str
    ad_title: str
    ad_text: str
    ad_fill: str


def short_token(token: str) -> str:
    """A token cut to its head and tail, e.g. ``A4AAAAH4bU4S2Y…Qz9r1w``."""
    if len(token) <= TOKEN_HEAD + TOKEN_TAIL + 1:
        return token
    return f"{token[:TOKEN_HEAD]}…{token[-TOKEN_TAIL:]}"


def bid_token(entry: JournalEntry) -> str | None:
    """The advertising token a bid request carried, if ``entry`` is that event (step 2-a)."""
    if entry.name != "bid" or entry.step != "2-a":
        return None
    return entry.detail_value("advertising_token")


def device_state(snapshot: UserSnapshot | None, bid: str | None) -> DeviceState:
    """The TV screen for the run's user (``None``: nobody yet) and the last token bid with."""
    if snapshot is None:
        swatch = state_swatch("no_identity")
        return DeviceState(
            "Not signed in",
            swatch.label,
            swatch.background,
            "Ad slot",
            "Waiting for a viewer",
            "#334155",
        )
    state = snapshot.state.value
    swatch = state_swatch(state)
    who = f"Signed in as {snapshot.user.label}" if snapshot.identity else snapshot.user.label
    if state == "opted_out":
        return DeviceState(
            who,
            swatch.label,
            swatch.background,
            "Ad slot: no UID2",
            "This viewer opted out: no UID2 token goes to the SSP",
            "#581c87",
        )
    if bid is not None:
        return DeviceState(
            who,
            swatch.label,
            swatch.background,
            "Ad bought with UID2 token",
            short_token(bid),
            "#14532d",
        )
    if snapshot.identity is not None and snapshot.state.has_usable_token:
        text = f"Token ready: {short_token(snapshot.identity.advertising_token)}"
        return DeviceState(who, swatch.label, swatch.background, "Ad slot", text, "#1e3a8a")
    return DeviceState(
        who,
        swatch.label,
        swatch.background,
        "Ad slot",
        "No usable token: no UID2 in the bid",
        "#334155",
    )


def top_line(status: KioskStatus) -> str:
    """The scenario and step, e.g. ``Server-only integration · step 2 of 4``."""
    if status.scenario is None:
        return "UID2 server-only integration, live"
    total = len(status.scenario.steps)
    index = status.step_index
    step = f" · step {index + 1} of {total}" if index is not None else ""
    return f"{status.scenario.title}{step}"


def phase_line(status: KioskStatus, now_ms: int, desk_now_ms: int) -> str:
    """What the loop is doing, in words, with the time until it moves on by itself.

    ``now_ms`` is the pacing clock (idle resume); ``desk_now_ms`` the desk clock (waits).
    """
    if status.phase is KioskPhase.PAUSED:
        if status.resume_at_ms is not None:
            left = format_duration(max(0, status.resume_at_ms - now_ms) + 999)
            return f"Paused · resumes in {left}"
        return "Paused"
    if status.phase is KioskPhase.WAITING and status.wait is not None:
        wait = status.wait
        moment = _MOMENTS.get(wait.what, wait.what)
        left = format_duration(max(0, wait.target_ms - desk_now_ms) + 999)
        jump = format_duration(max(0, wait.ends_ms - desk_now_ms) + 999)
        return f"Waiting for {moment} (in {left}) · fast-forward in {jump}"
    if status.phase is KioskPhase.END_CARD:
        verdict = "every expectation held" if status.passed else "an expectation failed"
        return f"Scenario complete: {verdict}"
    if status.phase is KioskPhase.STARTING:
        return "Starting"
    return "Live"
