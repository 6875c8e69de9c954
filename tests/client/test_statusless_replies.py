"""A 4xx that carries no UID2 status is described by what its code means, not always as a URL."""

from __future__ import annotations

import pytest

from uid2_desk.client.replies import operator_error
from uid2_desk.client.wire import WireReply
from uid2_desk.protocol.errors import OperatorClientError


def _reply(code: int, body: bytes = b"Too Many Requests") -> WireReply:
    return WireReply(status=code, headers=(("content-type", "text/plain"),), body=body)


def test_a_status_less_429_says_rate_limiting_and_keeps_the_url_out_of_it() -> None:
    error = operator_error(_reply(429), "/v2/token/generate", "UID2-C-L-1-***", "Integration")

    assert isinstance(error, OperatorClientError)
    assert error.http_status == 429
    assert error.status is None
    assert "rate-limiting" in str(error)
    assert "environment URL" not in str(error)


def test_a_status_less_408_says_try_again() -> None:
    error = operator_error(_reply(408, b"Request Timeout"), "/v2/token/refresh", "k", "Integ")

    assert "try again" in str(error)
    assert "environment URL" not in str(error)


@pytest.mark.parametrize("code", [400, 403, 404, 405])
def test_other_status_less_4xx_point_at_the_environment_url(code: int) -> None:
    error = operator_error(_reply(code, b"Not Found"), "/v2/token/generate", "k", "Custom")

    assert "Check the environment URL." in str(error)
    assert f"HTTP {code}" in str(error)
