"""Hand one served request to the capture sink, and never let that break serving."""

from __future__ import annotations

import logging

from uid2_desk.operator.capture import CaptureSink
from uid2_desk.operator.capture.builder import ServedBytes, build_exchange
from uid2_desk.operator.http.wire import RequestContext

_log = logging.getLogger(__name__)


def hand_over(sink: CaptureSink, served: ServedBytes, ctx: RequestContext) -> None:
    """Build the request's exchange and give it to ``sink``.

    The client already has its answer; a capture that fails (a sink's bug, an odd body) is
    logged and dropped, so the operator keeps serving as the real one would.
    """
    client = ctx.client
    try:
        exchange = build_exchange(
            served,
            ctx.notes,
            role=client.name if client else None,
            site_id=client.site_id if client else None,
            status=ctx.status,
        )
        sink(exchange)
    except Exception:
        _log.exception(
            "capturing %s %s failed", served.scope.get("method"), served.scope.get("path")
        )
