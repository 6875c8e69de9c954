"""A tiny publish/subscribe hub for :data:`~uid2_desk.publisher.model.DeskEvent`.

Callbacks run synchronously, on the thread that emits (the event loop's), in subscription
order. A failing callback is logged and does not stop the others or the publisher.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
E = TypeVar("E")


class EventHub(Generic[E]):
    """Holds subscribers and calls them for every emitted event."""

    def __init__(self) -> None:
        self._subscribers: list[Callable[[E], None]] = []

    def subscribe(self, callback: Callable[[E], None]) -> Callable[[], None]:
        """Add ``callback``; the returned function removes it (calling it twice is harmless)."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, event: E) -> None:
        """Call every subscriber with ``event``."""
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                # A broken listener (a closed window, a bug in a panel) must not break sign-in.
                log.exception("a desk event subscriber failed on %r", type(event).__name__)
