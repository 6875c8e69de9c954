"""Who may call, as the capture records it: the refusal's UID2 status, and whose key it was.

Written against survivors of mutation testing (issue 19): a plain-JSON refusal must carry its
UID2 status into the capture (the explanation and the request log read it), and only a
``Bearer`` credential names a client.
"""

from __future__ import annotations

import httpx
import pytest

from tests.operator.support import bearer, seal
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.capture_masking import bearer as bearer_key
from uid2_desk.protocol.capture_masking import mask_secrets, masked_authorization
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.exchange import Exchange


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("headers", "status", "http"),
    [({}, "unauthorized", 401), (bearer("UID2-C-L-999-nosuchkey"), "unauthorized", 401)],
)
async def test_a_refused_call_is_captured_with_the_status_the_operator_sent(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
    headers: dict[str, str],
    status: str,
    http: int,
) -> None:
    sealed = seal(local_operator.credentials.publisher.secret, {"email": "a@b.c"}, 0)
    reply = await asgi_client.post("/v2/token/generate", content=sealed.body, headers=headers)
    assert reply.status_code == http
    (exchange,) = captured
    assert exchange.operator_status == status == reply.json()["status"]


@pytest.mark.asyncio
async def test_a_client_error_is_captured_as_client_error(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, captured: list[Exchange]
) -> None:
    creds = local_operator.credentials.publisher
    reply = await asgi_client.post("/v2/token/generate", content=b"", headers=bearer(creds))
    assert reply.status_code == 400
    (exchange,) = captured
    assert exchange.operator_status == "client_error"


@pytest.mark.parametrize(
    ("authorization", "key"),
    [
        ("Bearer UID2-C-L-999-abc", "UID2-C-L-999-abc"),
        ("bearer  UID2-C-L-999-abc ", "UID2-C-L-999-abc"),
        ("Basic dXNlcjpwYXNz", ""),
        ("UID2-C-L-999-abc", ""),
        ("", ""),
    ],
)
def test_only_a_bearer_credential_names_a_key(authorization: str, key: str) -> None:
    assert bearer_key(authorization) == key


@pytest.mark.parametrize(
    ("authorization", "shown"),
    [
        ("Bearer UID2-C-L-999-abcdefghijkl", "Bearer UID2-C-L-999-…"),
        ("Basic dXNlcjpwYXNzd29yZA==", "[masked]"),  # not a bearer key: hidden whole
        ("Bearer ", "[masked]"),
        ("", ""),
    ],
)
def test_a_captured_authorization_never_shows_more_than_a_keys_prefix(
    authorization: str, shown: str
) -> None:
    assert masked_authorization(authorization) == shown


def test_a_bearer_key_after_two_spaces_still_shows_only_its_prefix() -> None:
    assert masked_authorization("Bearer  UID2-C-L-999-abcdefghijkl") == "Bearer UID2-C-L-999-…"


def test_secret_fields_are_masked_whatever_their_separators() -> None:
    document = {"refresh-response-key": "k1", "client_secret": "s", "API-Key": "a", "site": "x"}
    assert mask_secrets(document) == {
        "refresh-response-key": "[masked]",
        "client_secret": "[masked]",
        "API-Key": "[masked]",
        "site": "x",
    }
