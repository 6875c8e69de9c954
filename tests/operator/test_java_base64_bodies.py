"""Request bodies are base64 the way the operator's Java decoder reads them (§2.2, §2.5).

``java.util.Base64.getDecoder()`` accepts an envelope whose ``=`` padding was dropped and
refuses one with any whitespace, even the trailing newline a shell or editor adds. The
388-character refresh body goes through the same decoder after the length check, so a
newline there either breaks the base64 (inside 388 characters) or makes the body a bare
legacy token (389 characters).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from tests.operator.support import bearer, generate, open_refresh, open_reply, seal
from uid2_desk.operator import LocalOperator
from uid2_desk.operator.http.wire import json_bytes
from uid2_desk.protocol.clock import ManualClock

GENERATE = "/v2/token/generate"
REFRESH = "/v2/token/refresh"
NOT_BASE64 = (
    "Invalid body: Body is not valid base64. See "
    "https://unifiedid.com/docs/getting-started/gs-encryption-decryption for details on the "
    "request envelope format."
)


def _padded_payload() -> dict[str, str]:
    """A payload whose envelope needs '=' padding (so dropping it changes the text)."""
    for n in range(1, 10):
        payload = {"email": "p" * n + "@example.com"}
        # 45 bytes of envelope overhead + the JSON; padded when not a multiple of 3.
        if (45 + len(json.dumps(payload))) % 3:
            return payload
    raise AssertionError("unreachable: three consecutive lengths cover every remainder")


@pytest.mark.asyncio
async def test_an_envelope_without_its_base64_padding_is_accepted(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, _padded_payload(), manual_clock.now_ms())
    assert sealed.body.endswith("=")

    response = await asgi_client.post(
        GENERATE, content=sealed.body.rstrip("="), headers=bearer(creds)
    )

    assert json.loads(open_reply(creds.secret, response, sealed.nonce))["status"] == "success"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda body: body + "\n", id="trailing_newline"),
        pytest.param(lambda body: body + "\r\n", id="trailing_crlf"),
        pytest.param(lambda body: " " + body, id="leading_space"),
        pytest.param(lambda body: body[:20] + "\n" + body[20:], id="line_break_inside"),
    ],
)
async def test_an_envelope_with_whitespace_is_not_base64_to_the_operator(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    mangle: Callable[[str], str],
) -> None:
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, {"email": "ws@example.com"}, manual_clock.now_ms())

    response = await asgi_client.post(GENERATE, content=mangle(sealed.body), headers=bearer(creds))

    assert response.status_code == 400
    assert response.content == json_bytes({"message": NOT_BASE64, "status": "client_error"})


@pytest.mark.asyncio
async def test_a_388_character_refresh_body_with_a_newline_is_not_base64(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    identity = await generate(
        asgi_client, local_operator.credentials.publisher, manual_clock.now_ms(), email="r@x.io"
    )
    token: str = identity["body"]["refresh_token"]

    response = await asgi_client.post(REFRESH, content=token[:-1] + "\n")

    assert response.status_code == 400
    assert response.json() == {
        "message": "Invalid body: Body is not valid base64.",
        "status": "client_error",
    }


@pytest.mark.asyncio
async def test_a_refresh_token_with_a_trailing_newline_is_a_bare_token_and_invalid(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    identity = await generate(asgi_client, creds, manual_clock.now_ms(), email="r@x.io")
    token: str = identity["body"]["refresh_token"]

    newline = await asgi_client.post(REFRESH, content=token + "\n", headers=bearer(creds))
    clean = await asgi_client.post(REFRESH, content=token, headers=bearer(creds))

    # 389 characters: not the v2 wrapper, so a plain-JSON refusal of a legacy token.
    assert newline.status_code == 400
    assert newline.json() == {"message": "Invalid Token presented", "status": "invalid_token"}
    assert open_refresh(clean, identity["body"]["refresh_response_key"])["status"] == "success"
