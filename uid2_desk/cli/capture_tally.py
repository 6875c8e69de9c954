"""What became of every item handed to the capture: journaled, dropped, failed or lost.

The server's thread counts what it drops, the shipping thread what it shipped or could not
ship, the listening thread what the worker says it journaled or could not; each counter has
one writer. What the worker took along when it died (shipped, never answered for) is only
known once both threads have ended: :meth:`CaptureTally.settle` works it out then.
"""

from __future__ import annotations


class CaptureTally:
    """Counts of captured items by fate, and the last reason one was not journaled.

    Attributes:
        dropped: refused before shipping (the buffer was full, or the capture had stopped).
        shipped: written to the worker's pipe.
        written: the worker accounted for them (journaled, or the desk's own calls skipped).
        failed_here: could not be encoded or written to the pipe.
        failed_there: the worker said it could not journal them.
        lost: shipped but never answered for (the worker died or was stopped): see
            :meth:`settle`.
        last_error: why the last of the failed or lost ones was not journaled.
    """

    def __init__(self) -> None:
        self.dropped = 0
        self.shipped = 0
        self.written = 0
        self.failed_here = 0
        self.failed_there = 0
        self.lost = 0
        self.last_error: str | None = None

    @property
    def failed(self) -> int:
        """Every item handed over that did not reach the journal, but those dropped."""
        return self.failed_here + self.failed_there + self.lost

    def unanswered(self) -> int:
        """Shipped items the worker has not yet answered for."""
        return max(0, self.shipped - self.written - self.failed_there)

    def settle(self, why: str | None) -> None:
        """After both threads ended: count the unanswered as lost, for ``why`` if any."""
        self.lost = self.unanswered()
        if self.lost and why:
            self.last_error = why
