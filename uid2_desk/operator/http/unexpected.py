"""What each endpoint answers when its handler throws, as the operator's own catch blocks do.

The operator has no single "unknown" reply: handlers with a ``catch (Exception e)`` answer
500 ``unknown`` with their own message (UIDOperatorVerticle), the others let Vert.x answer a
plain-text 500 ``Internal Server Error`` (``rc.fail(500)`` or an uncaught exception, both
ending in ``GenericFailureHandler``). Where the real handler would throw on some input (a
``NullPointerException`` or ``ClassCastException`` on a payload it did not expect), our
handler raises :class:`HandlerFailureError` and the endpoint answers with :func:`unexpected_reply`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from uid2_desk.operator.http import wire

#: Endpoints whose handler catches every exception into a JSON reply, and its message.
JSON_FAILURE_MESSAGES = {
    "/v2/token/generate": "Unknown error while generating token v2",
    "/v2/token/refresh": "Unknown error while refreshing token v2",
    "/v2/token/client-generate": "Unknown error while handling client side token generate",
    "/v2/identity/map": "Unknown error while mapping identity v2",
    "/v3/identity/map": "Unknown error while mapping identity v3",
    "/v2/optout/status": "Unknown error while getting optout status",
    # The legacy handlers at 3b175ce1 (handleTokenGenerateV1, handleTokenRefreshV1).
    "/v1/token/generate": "Unknown error while generating token v1",
    "/v1/token/refresh": "Unknown error while refreshing token",
}


class HandlerFailureError(Exception):
    """Raised where the real operator's handler throws on this input.

    Args:
        why: what the Java handler trips over (for the code reader; never sent).
    """

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def unexpected_reply(request: Request) -> Response:
    """The endpoint's own answer to an exception: its JSON 500, or Vert.x's plain one."""
    message = JSON_FAILURE_MESSAGES.get(request.url.path)
    if message is None:
        return wire.internal_server_error(request)
    return wire.error(request, 500, wire.UNKNOWN, message)
