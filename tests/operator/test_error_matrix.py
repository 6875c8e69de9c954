"""Every way a request can be wrong, answered with the real operator's status, message and code
(uid2-protocol.md §3.1, §3.2, §8). Time is a ManualClock: nothing here sleeps."""

from __future__ import annotations

import base64
import json
import os

import httpx
import pytest

from tests.operator.support import bearer, generate, seal
from uid2_desk.operator import LocalOperator
from uid2_desk.operator.http.wire import json_bytes
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.crypto import gcm_encrypt
from uid2_desk.protocol.envelope import seal_request, to_base64
from uid2_desk.protocol.tokens import read_wrapper_header

DOCS = "https://unifiedid.com/docs/getting-started/gs-encryption-decryption"
HINT = f" See {DOCS} for details on the request envelope format."
GENERATE = "/v2/token/generate"
REFRESH = "/v2/token/refresh"


def client_error(message: str) -> dict[str, str]:
    return {"message": message, "status": "client_error"}


async def post_generate(
    client: httpx.AsyncClient, operator: LocalOperator, body: bytes | str, **headers: str
) -> httpx.Response:
    return await client.post(
        GENERATE, content=body, headers={**bearer(operator.credentials.publisher), **headers}
    )


def assert_reply(response: httpx.Response, http_status: int, document: dict[str, str]) -> None:
    assert response.status_code == http_status
    assert response.headers["content-type"] == "application/json"
    # Byte-faithful: compact, message before status.
    assert response.content == json_bytes(document)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"", "Invalid body: Body is missing.", id="body_missing"),
        pytest.param(
            b"this is not base64!",
            "Invalid body: Body is not valid base64." + HINT,
            id="not_base64",
        ),
        pytest.param(
            base64.b64encode(os.urandom(30)),
            "Invalid body: Body too short. Check encryption method." + HINT,
            id="too_short",
        ),
        pytest.param(
            base64.b64encode(b"\x02" * 64),
            "Invalid body: Invalid request envelope format version: received 2, must be 1." + HINT,
            id="version_2",
        ),
        pytest.param(
            b'{"email": "jane@example.com"}',
            "Invalid body: The request body is unencrypted JSON. It must be an encrypted request "
            f"envelope. See {DOCS}#encryption-and-decryption-code-examples for encryption and "
            "decryption code examples.",
            id="unencrypted_json",
        ),
        pytest.param(
            base64.b64encode(b'{"email_hash": "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="}'),
            "Invalid body: The request body is unencrypted JSON. It must be an encrypted request "
            f"envelope. See {DOCS}#encryption-and-decryption-code-examples for encryption and "
            "decryption code examples.",
            id="base64_unencrypted_json",
        ),
    ],
)
async def test_malformed_envelopes_get_the_operators_400_message(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, body: bytes, message: str
) -> None:
    response = await post_generate(asgi_client, local_operator, body)

    assert_reply(response, 400, client_error(message))


@pytest.mark.asyncio
async def test_envelope_sealed_with_another_secret_is_refused(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    other_secret = base64.b64encode(os.urandom(32)).decode()
    sealed = seal(other_secret, {"email": "jane@example.com"}, manual_clock.now_ms())

    response = await post_generate(asgi_client, local_operator, sealed.body)

    assert_reply(
        response, 400, client_error("Invalid body: Check encryption key (ClientSecret)." + HINT)
    )


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("skew_ms", "accepted"),
    [
        pytest.param(-180_000, False, id="3_minutes_old"),
        pytest.param(+180_000, False, id="3_minutes_ahead"),
        pytest.param(-119_999, True, id="just_under_2_minutes_old"),
        pytest.param(-120_000, False, id="2_minutes_old"),
        pytest.param(+119_000, True, id="119_seconds_ahead"),
        pytest.param(+119_001, False, id="just_over_119_seconds_ahead"),
    ],
)
async def test_request_timestamps_outside_the_operators_window_are_refused(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    skew_ms: int,
    accepted: bool,
) -> None:
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, {"email": "jane@example.com"}, manual_clock.now_ms() + skew_ms)

    response = await post_generate(asgi_client, local_operator, sealed.body)

    if accepted:
        assert response.status_code == 200
    else:
        assert_reply(
            response, 400, client_error("Invalid timestamp: Request too old or client time drift.")
        )


@pytest.mark.asyncio
@pytest.mark.parametrize("payload", [b"email=jane", b'["jane@example.com"]', b'"jane"'])
async def test_an_encrypted_payload_that_is_not_a_json_object_is_refused(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    payload: bytes,
) -> None:
    sealed = seal(local_operator.credentials.publisher.secret, payload, manual_clock.now_ms())

    response = await post_generate(asgi_client, local_operator, sealed.body)

    assert_reply(
        response, 400, client_error("Invalid payload in body: Data is not valid json string.")
    )


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("payload", "http_status", "document"),
    [
        pytest.param(
            {},
            400,
            client_error(
                "Required Parameter Missing: exactly one of [email, email_hash, phone, "
                "phone_hash] must be specified"
            ),
            id="zero_identifiers",
        ),
        pytest.param(
            {"email": "jane@example.com", "phone": "+12345678901"},
            400,
            client_error(
                "Required Parameter Missing: exactly one of [email, email_hash, phone, "
                "phone_hash] must be specified"
            ),
            id="two_identifiers",
        ),
        pytest.param(
            {"email": "jane@@example.com"},
            400,
            client_error("Invalid Identifier"),
            id="invalid_email",
        ),
        pytest.param(
            {"phone": "+1 234 567 8901"},
            400,
            client_error("Invalid Identifier"),
            id="phone_not_e164",
        ),
        pytest.param(
            {"email_hash": "abc"}, 400, client_error("Invalid Identifier"), id="short_hash"
        ),
        # Vert.x 4 JsonObject.getString returns any value's toString(): 42 is the text "42".
        pytest.param(
            {"email": 42}, 400, client_error("Invalid Identifier"), id="email_not_a_string"
        ),
    ],
)
async def test_bad_identifiers_get_the_operators_answer(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    *,
    payload: dict[str, object],
    http_status: int,
    document: dict[str, str],
) -> None:
    sealed = seal(local_operator.credentials.publisher.secret, payload, manual_clock.now_ms())

    response = await post_generate(asgi_client, local_operator, sealed.body)

    assert_reply(response, http_status, document)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no_header"),
        pytest.param("Bearer UID2-C-L-999-nope.nope", id="unknown_key"),
        pytest.param("Basic abc", id="not_bearer"),
    ],
)
async def test_a_bad_api_key_is_401_before_the_envelope_is_looked_at(
    asgi_client: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = await asgi_client.post(GENERATE, content=b"garbage", headers=headers)

    assert_reply(response, 401, {"status": "unauthorized"})


@pytest.mark.asyncio
async def test_a_key_without_the_role_is_401(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    dsp = local_operator.credentials.dsp
    sealed = seal(dsp.secret, {"email": "jane@example.com"}, manual_clock.now_ms())

    response = await asgi_client.post(GENERATE, content=sealed.body, headers=bearer(dsp))

    assert_reply(response, 401, {"status": "unauthorized"})


@pytest.mark.asyncio
async def test_the_bearer_prefix_is_case_insensitive_and_trimmed(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, {"email": "jane@example.com"}, manual_clock.now_ms())

    response = await asgi_client.post(
        GENERATE, content=sealed.body, headers={"Authorization": f"  bEaReR {creds.api_key} "}
    )

    assert response.status_code == 200


def _random_wrapper(key_id: int) -> str:
    raw = b"\x00" + key_id.to_bytes(4, "big") + os.urandom(286)
    return base64.b64encode(raw).decode()


@pytest.mark.asyncio
async def test_a_refresh_token_naming_an_unknown_key_is_a_client_error(
    asgi_client: httpx.AsyncClient,
) -> None:
    response = await asgi_client.post(REFRESH, content=_random_wrapper(987654))

    assert_reply(
        response,
        400,
        client_error("Invalid key: Generator of this token (Key ID: 987654) does not exist."),
    )


@pytest.mark.asyncio
async def test_a_tampered_refresh_token_is_a_client_error(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    identity = await generate(
        asgi_client, local_operator.credentials.publisher, manual_clock.now_ms(), email="t@x.io"
    )
    raw = bytearray(base64.b64decode(identity["body"]["refresh_token"]))
    raw[-1] ^= 1

    response = await asgi_client.post(REFRESH, content=base64.b64encode(bytes(raw)))

    assert_reply(
        response, 400, client_error("Invalid data: Check encryption method and encryption key.")
    )


@pytest.mark.asyncio
async def test_a_388_character_body_that_is_not_base64_is_a_client_error(
    asgi_client: httpx.AsyncClient,
) -> None:
    response = await asgi_client.post(REFRESH, content="!" * 388)

    assert_reply(response, 400, client_error("Invalid body: Body is not valid base64."))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("with_key", "document"),
    [
        pytest.param(
            True, {"message": "Invalid Token presented", "status": "invalid_token"}, id="api_key"
        ),
        pytest.param(
            False, {"message": "Error refreshing token", "status": "error"}, id="no_api_key"
        ),
    ],
)
async def test_an_undecodable_bare_refresh_token_is_invalid_token_only_for_authenticated_callers(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    with_key: bool,
    document: dict[str, str],
) -> None:
    headers = bearer(local_operator.credentials.publisher) if with_key else {}

    response = await asgi_client.post(REFRESH, content="not-a-refresh-token", headers=headers)

    assert_reply(response, 400, document)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("authorization", "document"),
    [
        pytest.param(
            "publisher",
            {"message": "Expired Token presented", "status": "expired_token"},
            id="api_key",
        ),
        pytest.param(
            None, {"message": "Error refreshing token", "status": "error"}, id="no_api_key"
        ),
        pytest.param(
            "Bearer wrong-key",
            {"message": "Error refreshing token", "status": "error"},
            id="wrong_key",
        ),
    ],
)
async def test_refresh_after_refresh_expires_is_refused_and_never_401(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    authorization: str | None,
    document: dict[str, str],
) -> None:
    creds = local_operator.credentials.publisher
    identity = await generate(asgi_client, creds, manual_clock.now_ms(), email="old@example.com")
    manual_clock.advance(local_operator.lifetimes.refresh_ms + 1)
    headers = (
        bearer(creds)
        if authorization == "publisher"
        else ({"Authorization": authorization} if authorization else {})
    )

    response = await asgi_client.post(
        REFRESH, content=identity["body"]["refresh_token"], headers=headers
    )

    assert_reply(response, 400, document)


@pytest.mark.asyncio
async def test_an_empty_refresh_body_from_a_browser_is_an_error_refreshing_token(
    asgi_client: httpx.AsyncClient,
) -> None:
    # UIDOperatorVerticle.handleTokenRefreshV2: an unauthenticated caller only learns "error".
    response = await asgi_client.post(REFRESH, content=b"")

    assert_reply(response, 400, {"message": "Error refreshing token", "status": "error"})


@pytest.mark.asyncio
async def test_an_unknown_path_is_vertxs_html_404(asgi_client: httpx.AsyncClient) -> None:
    # vertx-web 4.5 RoutingContextImpl.checkHandleNoMatch: the router's default 404 page.
    response = await asgi_client.post("/v2/token/nonsense", content=b"x")

    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<html><body><h1>Resource not found</h1></body></html>"


@pytest.mark.asyncio
async def test_a_known_path_with_the_wrong_method_is_an_empty_405_naming_the_method(
    asgi_client: httpx.AsyncClient,
) -> None:
    # vertx-web 4.5 RoutingContextImpl.checkHandleNoMatch: no body, Allow joined by ",".
    response = await asgi_client.get("/v2/token/generate")
    health = await asgi_client.post("/ops/healthcheck")

    assert response.status_code == 405
    assert response.content == b""
    assert response.headers["allow"] == "POST"
    assert health.headers["allow"] == "GET"


@pytest.mark.asyncio
async def test_a_body_over_one_mebibyte_is_413(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    response = await post_generate(asgi_client, local_operator, b"A" * (1024 * 1024 + 1))

    assert response.status_code == 413
    assert response.text == "Request Entity Too Large"


@pytest.mark.asyncio
async def test_a_body_of_exactly_one_mebibyte_is_read(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    response = await post_generate(asgi_client, local_operator, b"A" * (1024 * 1024))

    assert response.status_code == 400
    assert response.json()["status"] == "client_error"


@pytest.mark.asyncio
async def test_octet_stream_requests_get_octet_stream_replies(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    opened = seal_request(
        base64.b64decode(creds.secret),
        json.dumps({"email": "bin@example.com"}).encode(),
        timestamp_ms=manual_clock.now_ms(),
    )

    response = await post_generate(
        asgi_client, local_operator, opened.raw, **{"Content-Type": "application/octet-stream"}
    )
    fallback = await post_generate(
        asgi_client,
        local_operator,
        to_base64(opened.raw),
        **{"Content-Type": "application/octet-stream"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert fallback.status_code == 200
    assert fallback.headers["content-type"] == "text/plain"


@pytest.mark.asyncio
async def test_a_body_that_only_looks_like_json_is_read_as_a_bad_envelope(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    """Only a body that parses as a JSON object gets the "unencrypted JSON" message."""
    response = await post_generate(asgi_client, local_operator, '{"email": "jane@example.com"')

    assert response.status_code == 400
    assert response.json()["status"] == "client_error"
    assert response.json()["message"].startswith("Invalid body: Body is not valid base64.")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "inner_json",
    [
        pytest.param(b"{" + b" " * 256 + b"}", id="no_fields"),
        pytest.param(b"[" + b" " * 256 + b"]", id="not_an_object"),
        pytest.param(b"x" * 258, id="not_json"),
    ],
)
async def test_a_wrapper_that_opens_to_a_malformed_document_is_an_invalid_format(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    inner_json: bytes,
) -> None:
    """A 388-character wrapper sealed with the real refresh key, around bad JSON (§3.2)."""
    identity = await generate(
        asgi_client, local_operator.credentials.publisher, manual_clock.now_ms(), email="f@x.io"
    )
    _, key_id, raw = read_wrapper_header(identity["body"]["refresh_token"])
    key = {k.id: k for k in local_operator.admin.all_keys()}[key_id]
    forged = base64.b64encode(raw[:5] + gcm_encrypt(key.secret, inner_json)).decode()
    assert len(forged) == len(identity["body"]["refresh_token"])

    response = await asgi_client.post(REFRESH, content=forged)

    assert_reply(
        response,
        400,
        client_error("Invalid format: Payload is not valid json or missing required data."),
    )


def _bare_v3(key_id: int, rest: bytes) -> str:
    """A bare (not wrapped) v3 refresh token: identity byte, 0x70, key id, then ``rest``."""
    return base64.b64encode(b"\x00\x70" + key_id.to_bytes(4, "big") + rest).decode()


@pytest.mark.asyncio
async def test_bare_v3_tokens_that_make_the_decoder_throw_are_an_unknown_error(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    """``decodeRefreshToken`` reads a v3 header past its end, or GCM-decrypts with a real
    refresh key and fails: not a ClientInputValidationException, so the catch answers 500."""
    identity = await generate(
        asgi_client, local_operator.credentials.publisher, manual_clock.now_ms(), email="g@x.io"
    )
    _, refresh_key_id, _ = read_wrapper_header(identity["body"]["refresh_token"])
    too_short = base64.b64encode(b"\x00\x70\x00").decode()
    undecryptable = _bare_v3(refresh_key_id, os.urandom(12 + 100 + 16))
    document = {"message": "Unknown error while refreshing token v2", "status": "unknown"}

    for token in (too_short, undecryptable):
        response = await asgi_client.post(REFRESH, content=token)

        assert_reply(response, 500, document)


@pytest.mark.asyncio
async def test_a_bare_v3_token_naming_an_unknown_key_is_an_ordinary_refusal(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    """An unknown key id is a ClientInputValidationException: never the 500 of a throw."""
    response = await asgi_client.post(
        REFRESH,
        content=_bare_v3(987654, b"\x00" * 128),
        headers=bearer(local_operator.credentials.publisher),
    )

    assert_reply(response, 400, {"message": "Invalid Token presented", "status": "invalid_token"})
