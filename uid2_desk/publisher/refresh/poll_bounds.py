"""The three limits of one opt-out poll run, and the schedule they give (pure).

Every run is bounded three ways, so a forgotten poll never hammers an operator: the interval
between the starts of two attempts (at least 5 s), the number of attempts, and the time after
the first attempt when no new one starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.protocol.errors import InputError

MIN_INTERVAL_S = 5.0
MAX_INTERVAL_S = 600.0
MAX_ATTEMPTS = 500
MAX_TIME_LIMIT_S = 4 * 3600.0


@dataclass(frozen=True)
class PollBounds:
    """The three limits of one poll run; construction refuses values outside the safe range.

    Attributes:
        interval_s: seconds between the starts of two refresh attempts.
        max_attempts: the most refreshes the run makes.
        time_limit_s: seconds after the first attempt when the run gives up.
    """

    interval_s: float = 15.0
    max_attempts: int = 60
    time_limit_s: float = 15 * 60.0

    def __post_init__(self) -> None:
        if not MIN_INTERVAL_S <= self.interval_s <= MAX_INTERVAL_S:
            raise InputError(
                f"The poll interval must be between {MIN_INTERVAL_S:g} and "
                f"{MAX_INTERVAL_S:g} seconds (got {self.interval_s:g}); a shorter one only "
                "loads the operator, an opt-out takes minutes to arrive anyway."
            )
        if not 1 <= self.max_attempts <= MAX_ATTEMPTS:
            raise InputError(
                f"The number of attempts must be between 1 and {MAX_ATTEMPTS} "
                f"(got {self.max_attempts})."
            )
        if not 0 <= self.time_limit_s <= MAX_TIME_LIMIT_S:
            raise InputError(
                f"The time limit must be between 0 and {MAX_TIME_LIMIT_S / 3600:g} hours "
                f"(got {self.time_limit_s:g} s)."
            )

    @property
    def interval_ms(self) -> int:
        """The interval in milliseconds."""
        return round(self.interval_s * 1000)

    @property
    def time_limit_ms(self) -> int:
        """The time limit in milliseconds."""
        return round(self.time_limit_s * 1000)

    @property
    def planned_attempts(self) -> int:
        """How many attempts the run makes if nothing stops it early."""
        return len(attempt_offsets_ms(self))


def attempt_offsets_ms(bounds: PollBounds) -> tuple[int, ...]:
    """When each attempt is due, in ms after the first one, ignoring how long attempts take.

    >>> attempt_offsets_ms(PollBounds(interval_s=10, max_attempts=5, time_limit_s=25))
    (0, 10000, 20000)
    """
    by_time = bounds.time_limit_ms // bounds.interval_ms + 1
    count = min(bounds.max_attempts, by_time)
    return tuple(k * bounds.interval_ms for k in range(count))
