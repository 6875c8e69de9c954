"""Envelope texts, API-key parsing and CORS (issue 15, differences 7, 11 and 12)."""

from __future__ import annotations

import base64
import json

from tests.operator.fidelity.loopback import Loopback, assert_client_error
from tests.operator.support import bearer

GENERATE = "/v2/token/generate"
DOCS = "https://unifiedid.com/docs/getting-started/gs-encryption-decryption"
HINT = f" See {DOCS} for details on the request envelope format."
ORIGIN = "https://publisher.example"
CORS_HEADERS = (
    "X-UID2-Client-Version,Access-Control-Request-Method,Access-Control-Allow-Credentials,"
    "Access-Control-Allow-Origin,Access-Control-Allow-Headers,Content-Type"
)


def _generate(loopback: Loopback, body: bytes) -> tuple[int, str]:
    response = loopback.client.post(GENERATE, content=body, headers=bearer(loopback.publisher))
    return response.status_code, response.json()["message"]


def test_the_envelope_version_byte_is_printed_unsigned(loopback: Loopback) -> None:
    """service/V2RequestUtil.parseRequestCommon: ``Byte.toUnsignedInt(bodyBytes[0])``."""
    response = loopback.client.post(
        GENERATE, content=base64.b64encode(b"\xc8" * 64), headers=bearer(loopback.publisher)
    )

    assert_client_error(
        response,
        "Invalid body: Invalid request envelope format version: received 200, must be 1." + HINT,
    )


def test_a_json_array_body_is_not_taken_for_unencrypted_json(loopback: Loopback) -> None:
    """service/V2RequestUtil.isUnencryptedJson is ``new JsonObject(...)``: objects only.

    A raw array is "not valid base64"; base64 of a long array fails on its first byte, ``[``.
    """
    array = json.dumps([{"email": "jane@example.com"}, {"email": "john@example.com"}]).encode()

    assert _generate(loopback, array) == (400, "Invalid body: Body is not valid base64." + HINT)
    assert _generate(loopback, base64.b64encode(array)) == (
        400,
        "Invalid body: Invalid request envelope format version: received 91, must be 1." + HINT,
    )


def test_bearer_with_two_spaces_does_not_authenticate(loopback: Loopback) -> None:
    """uid2-shared middleware/AuthMiddleware: the key is all after ``"bearer "``, untrimmed."""
    key = loopback.publisher.api_key
    one_space = loopback.client.post(
        GENERATE, content=b"x", headers={"Authorization": f"Bearer {key}"}
    )
    two_spaces = loopback.client.post(
        GENERATE, content=b"x", headers={"Authorization": f"Bearer  {key}"}
    )

    assert one_space.status_code == 400  # authenticated: the body is what is wrong
    assert two_spaces.status_code == 401
    assert two_spaces.json() == {"status": "unauthorized"}


def test_cors_headers_are_on_every_path_even_unknown_ones(loopback: Loopback) -> None:
    """UIDOperatorVerticle.createRoutesSetup: ``router.route().handler(createCorsHandler())``.

    A route with no path matches every request, so the CorsHandler answers a preflight to a
    path that has no endpoint, and a 404 still carries ``Access-Control-Allow-Origin``.
    """
    preflight = loopback.client.options(
        "/v2/token/nonsense",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    missing = loopback.client.post("/v2/token/nonsense", content=b"x", headers={"Origin": ORIGIN})

    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert preflight.headers["access-control-allow-methods"] == "GET,POST,OPTIONS"
    assert preflight.headers["access-control-allow-headers"] == CORS_HEADERS
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == ORIGIN
