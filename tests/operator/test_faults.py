"""Injected faults, each observed by a real client over a real loopback connection."""

from __future__ import annotations

import http.client
import time
import urllib.error

import httpx
import pytest
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.operator.support import bearer, open_reply, sdk_failure, seal
from uid2_desk.operator import Fault, FaultKind, LocalOperator, OperatorServer
from uid2_desk.protocol.errors import DecryptionError, OperatorUnreachableError
from uid2_desk.protocol.tokens import REFRESH_TOKEN_WRAPPER_LENGTH

GENERATE = "/v2/token/generate"


@pytest.fixture
def publisher(operator_server: OperatorServer, live_operator: LocalOperator) -> Uid2PublisherClient:
    creds = live_operator.credentials.publisher
    return Uid2PublisherClient(operator_server.base_url, creds.api_key, creds.secret)


def _generate(publisher: Uid2PublisherClient) -> object:
    return publisher.generate_token(TokenGenerateInput.from_email("fault@example.com"))


def _post_generate(server: OperatorServer, operator: LocalOperator) -> tuple[httpx.Response, bytes]:
    creds = operator.credentials.publisher
    sealed = seal(creds.secret, {"email": "fault@example.com"}, operator.clock.now_ms())
    with httpx.Client(base_url=server.base_url) as client:
        response = client.post(GENERATE, content=sealed.body, headers=bearer(creds))
    return response, sealed.nonce


def test_latency_fault_delays_the_answer(
    publisher: Uid2PublisherClient, live_operator: LocalOperator
) -> None:
    live_operator.admin.set_fault(Fault(FaultKind.LATENCY, GENERATE, times=1, latency_ms=400))

    started = time.perf_counter()
    response = _generate(publisher)
    elapsed = time.perf_counter() - started

    assert response.is_success()  # type: ignore[attr-defined]
    assert elapsed >= 0.4
    entry = live_operator.admin.served_requests()[-1]
    assert entry.fault == "latency 400 ms"
    assert entry.latency_ms >= 400


def test_http_500_fault_reaches_the_sdk_as_an_unknown_error(
    publisher: Uid2PublisherClient, live_operator: LocalOperator
) -> None:
    live_operator.admin.set_fault(Fault(FaultKind.HTTP_500, GENERATE))

    failure = sdk_failure(lambda: _generate(publisher))

    assert failure.http_status == 500
    assert failure.body == b'{"message":"Unknown State","status":"unknown"}'


def test_one_shot_http_503_fails_once_then_the_operator_recovers(
    publisher: Uid2PublisherClient, live_operator: LocalOperator
) -> None:
    live_operator.admin.set_fault(Fault(FaultKind.HTTP_503, GENERATE, times=1))

    failure = sdk_failure(lambda: _generate(publisher))

    assert failure.http_status == 503
    assert _generate(publisher).is_success()  # type: ignore[attr-defined]
    assert live_operator.admin.faults() == []


def test_a_fault_set_for_n_requests_affects_exactly_n(
    operator_server: OperatorServer, live_operator: LocalOperator
) -> None:
    live_operator.admin.set_fault(Fault(FaultKind.HTTP_503, GENERATE, times=2))

    codes = [_post_generate(operator_server, live_operator)[0].status_code for _ in range(3)]

    assert codes == [503, 503, 200]


def test_a_fault_scoped_to_refresh_leaves_generate_alone(
    publisher: Uid2PublisherClient, live_operator: LocalOperator
) -> None:
    live_operator.admin.set_fault(Fault(FaultKind.HTTP_503, "/v2/token/refresh"))

    generated = _generate(publisher)

    assert generated.is_success()  # type: ignore[attr-defined]
    identity = generated.get_identity()  # type: ignore[attr-defined]
    assert sdk_failure(lambda: publisher.refresh_token(identity)).http_status == 503


def test_malformed_fault_gives_a_200_that_does_not_decrypt(
    operator_server: OperatorServer, live_operator: LocalOperator, publisher: Uid2PublisherClient
) -> None:
    live_operator.admin.set_fault(Fault(FaultKind.MALFORMED, GENERATE, times=2))

    response, nonce = _post_generate(operator_server, live_operator)

    assert response.status_code == 200
    with pytest.raises(DecryptionError):
        open_reply(live_operator.credentials.publisher.secret, response, nonce)
    failure = sdk_failure(lambda: _generate(publisher))
    assert failure.error is ValueError
    assert "MAC check failed" in failure.message


def test_truncated_fault_cuts_the_reply_and_closes_the_connection(
    operator_server: OperatorServer, live_operator: LocalOperator, publisher: Uid2PublisherClient
) -> None:
    live_operator.admin.set_fault(Fault(FaultKind.TRUNCATED, GENERATE, times=2))

    with pytest.raises(httpx.RemoteProtocolError):
        _post_generate(operator_server, live_operator)
    assert sdk_failure(lambda: _generate(publisher)).error is http.client.IncompleteRead
    assert [e.fault for e in live_operator.admin.served_requests()] == ["truncated"] * 2


def test_drop_fault_closes_the_connection_without_an_answer(
    operator_server: OperatorServer, live_operator: LocalOperator, publisher: Uid2PublisherClient
) -> None:
    live_operator.admin.set_fault(Fault(FaultKind.DROP, GENERATE, times=2))

    with pytest.raises(httpx.RemoteProtocolError):
        _post_generate(operator_server, live_operator)
    failure = sdk_failure(lambda: _generate(publisher))
    assert issubclass(failure.error, (http.client.RemoteDisconnected, urllib.error.URLError))
    entries = live_operator.admin.served_requests()
    assert [(e.http_status, e.fault) for e in entries] == [(0, "drop"), (0, "drop")]
    assert _post_generate(operator_server, live_operator)[0].status_code == 200


@pytest.mark.asyncio
async def test_drop_fault_in_process_surfaces_as_operator_unreachable(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    local_operator.admin.set_fault(Fault(FaultKind.DROP))

    with pytest.raises(OperatorUnreachableError):
        await asgi_client.post("/v2/token/refresh", content="x" * REFRESH_TOKEN_WRAPPER_LENGTH)


def test_faults_can_be_listed_removed_and_cleared(local_operator: LocalOperator) -> None:
    admin = local_operator.admin
    first = admin.set_fault(Fault(FaultKind.DROP, "/v2/token/refresh", times=3))
    admin.set_fault(Fault(FaultKind.LATENCY, latency_ms=50))

    assert [(a.fault.kind, a.remaining) for a in admin.faults()] == [
        (FaultKind.DROP, 3),
        (FaultKind.LATENCY, None),
    ]
    assert admin.remove_fault(first)
    assert not admin.remove_fault(first)
    admin.clear_faults()
    assert admin.faults() == []


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"kind": FaultKind.LATENCY}, id="latency_without_delay"),
        pytest.param({"kind": FaultKind.DROP, "times": 0}, id="zero_times"),
        pytest.param({"kind": FaultKind.DROP, "endpoint": "v2/token/refresh"}, id="not_a_path"),
    ],
)
def test_nonsensical_faults_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"latency_ms|times|path"):
        Fault(**kwargs)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_malformed_fault_flips_the_last_byte_of_a_plain_json_reply(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    honest = await asgi_client.post(GENERATE, content=b"x")  # no bearer: a JSON 401
    local_operator.admin.set_fault(Fault(FaultKind.MALFORMED, GENERATE, times=1))

    corrupted = await asgi_client.post(GENERATE, content=b"x")

    assert honest.status_code == corrupted.status_code == 401
    assert corrupted.headers["content-type"] == honest.headers["content-type"]
    assert corrupted.content == honest.content[:-1] + bytes([honest.content[-1] ^ 1])


@pytest.mark.asyncio
async def test_malformed_fault_gives_an_empty_reply_one_byte_and_keeps_it_without_a_type(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    local_operator.admin.set_fault(Fault(FaultKind.MALFORMED, GENERATE, times=1))

    corrupted = await asgi_client.put(GENERATE, content=b"x")  # a 405 with an empty body

    assert corrupted.status_code == 405
    assert corrupted.content == b"\x00"
    assert "content-type" not in corrupted.headers


@pytest.mark.asyncio
async def test_two_faults_on_one_path_take_turns_in_the_order_they_were_set(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    local_operator.admin.set_fault(Fault(FaultKind.HTTP_503, GENERATE, times=1))
    local_operator.admin.set_fault(Fault(FaultKind.HTTP_500, GENERATE, times=1))

    statuses = [(await asgi_client.post(GENERATE, content=b"x")).status_code for _ in range(3)]

    assert statuses == [503, 500, 401]
    assert local_operator.admin.faults() == []
