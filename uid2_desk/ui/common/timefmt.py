"""How the desk writes durations and instants for people (pure functions, no Qt)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime


def format_duration(ms: int) -> str:
    """Write a non-negative duration as ``m:ss``, ``h:mm:ss`` or ``N d hh:mm:ss``.

    Whole seconds are shown, rounded down: a countdown reads ``0:00`` only when the instant
    has been reached, never a second early.
    """
    seconds = max(ms, 0) // 1000
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours:02d}:{minutes:02d}:{secs:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_remaining(target_ms: int, now_ms: int) -> str:
    """``in 4:59`` before ``target_ms``, ``0:12 ago`` after it."""
    delta = target_ms - now_ms
    if delta > 0:
        # Round up so the display reaches 0:00 exactly at the target, not a second before.
        return f"in {format_duration(delta + 999)}"
    return f"{format_duration(-delta)} ago"


def format_local_time(epoch_ms: int, now_ms: int | None = None) -> str:
    """The local wall-clock time of ``epoch_ms``; on another day, the date and the minute."""
    moment = _local(epoch_ms)
    if now_ms is not None:
        today = _local(now_ms).date()
        if moment.date() == today:
            return moment.strftime("%H:%M:%S")
    return moment.strftime("%a %d %b %H:%M")


def format_timestamp(epoch_ms: int) -> str:
    """A full local timestamp with milliseconds, for logs and inspectors."""
    moment = _local(epoch_ms)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{epoch_ms % 1000:03d} " + moment.strftime("%Z")


def format_clock(epoch_ms: int) -> str:
    """``HH:MM:SS.mmm`` local time, for the log's time column."""
    moment = _local(epoch_ms)
    return moment.strftime("%H:%M:%S.") + f"{epoch_ms % 1000:03d}"


def format_skew(skew_ms: int, uncertainty_ms: int | None = None) -> str:
    """A signed clock skew in seconds, e.g. ``+0.4 s`` or ``-61.0 s ± 0.2 s``."""
    text = f"{skew_ms / 1000:+.1f} s"
    if uncertainty_ms:
        text += (
            f" ± {uncertainty_ms / 1000:.1f} s"
            if uncertainty_ms >= 100
            else f" ± {uncertainty_ms} ms"
        )
    return text


def _local(epoch_ms: int) -> datetime:
    from datetime import datetime  # imported on first use: the first paint shows no time

    return datetime.fromtimestamp(epoch_ms / 1000).astimezone()
