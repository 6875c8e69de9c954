"""Turning one call on the wire into its record and its :class:`~uid2_desk.client.results.Outcome`.

:func:`new_exchange` records what was sent and what came back; :func:`failed_outcome` explains
a call that got no reply or a non-200 one; :func:`finished_outcome` attaches the error (if
any), logs the call without its secrets, and warns when the operator's clock is far off.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TypeVar

from uid2_desk.client.credentials import Credentials
from uid2_desk.client.environments import Environment
from uid2_desk.client.replies import operator_error
from uid2_desk.client.results import Outcome
from uid2_desk.client.skew import SkewLevel, assess_skew
from uid2_desk.client.wire import WireResult
from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.protocol.exchange import Exchange

log = logging.getLogger(__name__)
T = TypeVar("T")


def new_exchange(
    environment: Environment,
    url: str,
    endpoint: str,
    started: int,
    wire: WireResult,
    *,
    body: bytes,
    plain: str,
) -> Exchange:
    """The record of a POST of ``body`` (``plain`` before sealing) and of its reply, if any."""
    extra = [("environment", environment.id)]
    if wire.connection_reused is not None:
        extra.append(("connection_reused", str(wire.connection_reused).lower()))
    exchange = Exchange(
        endpoint=endpoint,
        url=url,
        started_ms=started,
        timings=wire.timings,
        request_headers=wire.request_headers,
        request_plaintext=plain,
        request_body=body,
        extra=tuple(extra),
    )
    if wire.reply is not None:
        exchange = dataclasses.replace(
            exchange,
            http_status=wire.reply.status,
            response_headers=wire.reply.headers,
            response_body=wire.reply.body,
            server_date=wire.reply.header("date"),
        )
    return exchange


def failed_outcome(
    exchange: Exchange, wire: WireResult, credentials: Credentials, environment: Environment
) -> Outcome[T]:
    """The outcome of a call that got no reply, or a reply other than HTTP 200."""
    if wire.reply is None:
        assert wire.error is not None  # WireResult carries exactly one of the two
        return finished_outcome(exchange, error=wire.error)
    error = operator_error(
        wire.reply,
        exchange.endpoint,
        credentials.masked_key,
        environment.display_name,
    )
    exchange = dataclasses.replace(
        exchange,
        response_plaintext=reply_text(wire.reply.body) if wire.reply.body else None,
        operator_status=error.status,
    )
    return finished_outcome(exchange, error=error)


def finished_outcome(
    exchange: Exchange, *, value: T | None = None, error: Uid2DeskError | None = None
) -> Outcome[T]:
    """The outcome of ``exchange``, logged (URL, statuses, time; never a secret)."""
    if error is not None:
        exchange = dataclasses.replace(exchange, error=str(error))
        log.warning("%s %s failed: %s", exchange.method, exchange.url, error)
    else:
        log.info(
            "%s %s -> %s %s in %.1f ms",
            exchange.method,
            exchange.url,
            exchange.http_status,
            exchange.operator_status,
            exchange.timings.total_ms,
        )
    skew = exchange.clock_skew_ms
    if skew is not None and assess_skew(skew).level >= SkewLevel.WARNING:
        log.warning("%s", assess_skew(skew).message)
    return Outcome(exchange, value, error)


def reply_text(raw: bytes) -> str:
    """Reply bytes as text for the record; undecodable bytes become U+FFFD."""
    return raw.decode("utf-8", errors="replace")
