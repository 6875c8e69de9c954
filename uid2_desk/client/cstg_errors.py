"""A refused client-side call as an error from the desk's tree, explained by the table.

The operator's CSTG refusals are terse (``403 invalid_app_name "unexpected app name"``); the
error keeps the operator's status and message and adds the cause and the fix from
:func:`uid2_desk.protocol.explain.explain`, the same table the log and the capture use.
A 401 here is about the site's key pair, not an API key (the device sends none).
"""

from __future__ import annotations

import dataclasses

from uid2_desk.client.exchange_outcomes import reply_text
from uid2_desk.client.replies import operator_error
from uid2_desk.client.wire import WireReply
from uid2_desk.protocol.errors import OperatorError, TransportError, Uid2DeskError
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.explain import explain

#: Shown where the server-side messages name the API key; the device has none.
NO_API_KEY = "(none: client-side)"


def cstg_error(
    exchange: Exchange, transport: Exception | None, env_name: str
) -> tuple[Exchange, Uid2DeskError]:
    """The exchange with the reply read, and the error to report for it."""
    if isinstance(transport, TransportError):
        return exchange, transport
    status = exchange.http_status or 0
    body = exchange.response_body
    reply = WireReply(status, exchange.response_headers, body)
    error = operator_error(reply, exchange.endpoint, NO_API_KEY, env_name)
    exchange = dataclasses.replace(
        exchange,
        response_plaintext=reply_text(body) if body else None,
        operator_status=error.status,
    )
    text = str(error)
    if status == 401:
        text = (
            f"{env_name} refused the site's client-side key pair for {exchange.endpoint} "
            f"(HTTP 401{' ' + error.status if error.status else ''})."
        )
    found = explain(exchange)
    if found is not None:
        text = f"{text} {found.cause} {found.fix}"
    return exchange, _same_kind(error, text)


def _same_kind(error: OperatorError, text: str) -> OperatorError:
    """``error`` with ``text`` as its message, keeping its class and the operator's words."""
    return type(error)(
        text,
        status=error.status,
        http_status=error.http_status,
        operator_message=error.operator_message,
    )
