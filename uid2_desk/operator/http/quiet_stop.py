"""Stopping with a request in flight is not an error: keep uvicorn from saying it is.

When the operator stops (Ctrl-C, SIGTERM, the desk closing) while a request is still being
served (a slow client, an injected latency), uvicorn cancels that request's task after its
grace period and logs a warning plus "Exception in ASGI application" with the cancellation's
traceback. The client's connection is closed either way; the traceback only alarms the
person who stopped the server. :class:`StoppingFilter` drops exactly those records while a
server it watches is stopping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

#: uvicorn's logger for both records.
UVICORN_ERROR = "uvicorn.error"
_CANCEL_WARNING = "Cancel "


class StoppingFilter(logging.Filter):
    """Drops the cancelled-request records of a server that is stopping."""

    def __init__(self, stopping: Callable[[], bool]) -> None:
        super().__init__()
        self._stopping = stopping

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but the two a stop with a request in flight produces."""
        if not self._stopping():
            return True
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, asyncio.CancelledError):
            return False
        return not str(record.msg).startswith(_CANCEL_WARNING)

    def install(self) -> None:
        """Watch uvicorn's error logger."""
        logging.getLogger(UVICORN_ERROR).addFilter(self)

    def remove(self) -> None:
        """Stop watching (the server has stopped)."""
        logging.getLogger(UVICORN_ERROR).removeFilter(self)
