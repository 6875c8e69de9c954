"""Leaving kiosk mode takes a deliberate chord: Ctrl+Shift+Q pressed twice within 3 seconds.

A visitor mashing keys must not close the booth, and a presenter must not need a mouse. The
first press only arms the chord (the kiosk says "press Ctrl+Shift+Q again to leave"); a second
press within :data:`CHORD_WINDOW_MS` confirms it. Pure logic on millisecond timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass

CHORD_WINDOW_MS = 3_000
#: How the chord is written in the kiosk's hint and the README.
CHORD_TEXT = "Ctrl+Shift+Q twice"


@dataclass
class ExitChord:
    """Counts presses of the exit chord.

    Attributes:
        armed_at_ms: when the first press happened, if the chord is armed.
    """

    armed_at_ms: int | None = None

    def press(self, now_ms: int) -> bool:
        """Register one press of the chord; True when this press confirms leaving."""
        if self.armed_at_ms is not None and 0 <= now_ms - self.armed_at_ms <= CHORD_WINDOW_MS:
            self.armed_at_ms = None
            return True
        self.armed_at_ms = now_ms
        return False

    def armed(self, now_ms: int) -> bool:
        """Whether a first press is waiting for its confirmation at ``now_ms``."""
        return self.armed_at_ms is not None and now_ms - self.armed_at_ms <= CHORD_WINDOW_MS

    def disarm(self) -> None:
        """Forget a first press (any other key does this)."""
        self.armed_at_ms = None
