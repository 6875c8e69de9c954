"""Hand one served request to the capture, and never let that break serving."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from uid2_desk.operator.capture import CaptureSink
from uid2_desk.operator.capture.portable import Record, unflatten

_log = logging.getLogger(__name__)

#: What receives each served request as the operator recorded it (plain values: see
#: :func:`~uid2_desk.operator.capture.portable.record`). Called on the request's thread, after
#: the reply went out; it must not block.
RequestSink = Callable[[Record], None]


class ExchangeBuilder:
    """A request sink that builds each request's exchange right away and passes it on.

    For a capture that lives in the operator's process (the desk's window): the exchange is
    built on the request's thread and ``sink`` gets it.
    """

    def __init__(self, sink: CaptureSink) -> None:
        self.sink = sink

    def __call__(self, captured: Record) -> None:
        self.sink(unflatten(captured).exchange())


def hand_over(sink: RequestSink, captured: Record, scope: Mapping[str, Any]) -> None:
    """Give ``captured`` (the request of ``scope``) to ``sink``.

    The client already has its answer; a capture that fails (a sink's bug, an odd body) is
    logged and dropped, so the operator keeps serving as the real one would.
    """
    try:
        sink(captured)
    except Exception:
        _log.exception("capturing %s %s failed", scope.get("method"), scope.get("path"))
