"""A browser's CORS preflight is no error: an OPTIONS answered 2xx succeeded."""

from __future__ import annotations

from uid2_desk.journal.model import Outcome, classify_exchange
from uid2_desk.protocol.exchange import Exchange, Timings

URL = "http://127.0.0.1:8080/v2/token/refresh"


def _options(status: int | None, error: str | None = None) -> Exchange:
    return Exchange(
        endpoint="/v2/token/refresh",
        url=URL,
        started_ms=0,
        timings=Timings(total_ms=1.0),
        method="OPTIONS",
        http_status=status,
        error=error,
    )


def test_a_preflight_answered_204_or_200_succeeded() -> None:
    assert classify_exchange(_options(204)) is Outcome.SUCCESS
    assert classify_exchange(_options(200)) is Outcome.SUCCESS


def test_a_refused_or_unanswered_preflight_is_an_error() -> None:
    assert classify_exchange(_options(403)) is Outcome.ERROR
    assert classify_exchange(_options(None)) is Outcome.ERROR
    assert classify_exchange(_options(204, error="connection reset")) is Outcome.ERROR


def test_a_post_without_a_readable_status_is_still_an_error() -> None:
    post = Exchange(endpoint="/v2/token/refresh", url=URL, started_ms=0,
                    timings=Timings(total_ms=1.0), http_status=204)  # fmt: skip
    assert classify_exchange(post) is Outcome.ERROR
