"""``POST /v2/token/client-generate`` answers as OP ``handleClientSideTokenGenerateImpl``.

A page (Origin) or an app (``app_name``) seals a DII hash with the site's public key; the
operator answers with the identity sealed the same way, or refuses with the operator's
status and message, in the operator's order of checks.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.operator.cstg_support import (
    cstg_request,
    email_hash_dii,
    opened,
    post_cstg,
    refusal,
)
from tests.operator.support import open_refresh
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.cstg import request_aad, seal_payload, shared_key
from uid2_desk.protocol.cstg_keys import decode_public_key, new_private_key, spki_base64
from uid2_desk.protocol.normalize import hash_identifier
from uid2_desk.protocol.tokens import decrypt_advertising_token, key_lookup

UNKNOWN = (500, "unknown", "Unknown error while handling client side token generate")
BAD_SUBSCRIPTION = (400, "client_error", "bad subscription_id")
UNAUTHORIZED = (401, "unauthorized", "Unauthorized")
BAD_ORIGIN = (403, "invalid_http_origin", "unexpected http origin")
BAD_APP = (403, "invalid_app_name", "unexpected app name")
REQUIRED = (400, "client_error", "required parameters: payload, iv, public_key")
BAD_PUBLIC_KEY = (400, "client_error", "bad public key")
BAD_IV = (400, "client_error", "bad iv")
DECRYPTION_FAILED = (400, "client_error", "payload decryption failed")
INVALID_JSON = (400, "client_error", "encrypted payload contains invalid json")
EXACTLY_ONE = (400, "client_error", "please provide exactly one of: email_hash, phone_hash")
INVALID_IDENTIFIER = (400, "client_error", "Invalid Identifier")

pytestmark = pytest.mark.asyncio


def _sealed_bytes(operator: LocalOperator, plaintext: bytes, now_ms: int) -> dict[str, Any]:
    """A request whose payload is ``plaintext`` exactly (not necessarily a DII document)."""
    device = new_private_key()
    settings = operator.cstg.settings
    key = shared_key(device, decode_public_key(settings.server_public_key))
    sealed = seal_payload(key, plaintext, request_aad(now_ms))
    return {
        "payload": base64.b64encode(sealed[12:]).decode(),
        "iv": base64.b64encode(sealed[:12]).decode(),
        "public_key": spki_base64(device.public_key()),
        "timestamp": now_ms,
        "subscription_id": settings.subscription_id,
    }


# --- what a page or an app gets ------------------------------------------------------------


async def test_a_page_on_localhost_gets_its_identity_sealed_with_the_shared_key(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    request = cstg_request(local_operator, manual_clock.now_ms())

    response = await post_cstg(asgi_client, request.body)

    assert "content-type" not in response.headers  # the operator sets none on this reply
    document = opened(request, response)
    assert document["status"] == "success"
    assert set(document["body"]) == {
        "advertising_token",
        "refresh_token",
        "identity_expires",
        "refresh_expires",
        "refresh_from",
        "refresh_response_key",
    }
    assert response.headers["access-control-allow-origin"] == "http://localhost:8080"


async def test_the_token_has_privacy_bits_3_and_the_key_pairs_site_and_refreshes_so(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    request = cstg_request(local_operator, manual_clock.now_ms())
    body = opened(request, await post_cstg(asgi_client, request.body))["body"]
    keys = key_lookup(local_operator.admin.all_keys())

    token = decrypt_advertising_token(body["advertising_token"], keys)
    assert token.privacy_bits == 3
    assert token.publisher.site_id == local_operator.cstg.settings.site_id == 999

    manual_clock.advance(body["refresh_from"] - manual_clock.now_ms() + 1)
    response = await asgi_client.post(
        "/v2/token/refresh",
        content=body["refresh_token"],
        headers={"origin": "http://localhost:8080", "content-type": "text/plain"},
    )
    refreshed = open_refresh(response, body["refresh_response_key"])
    assert refreshed["status"] == "success"
    new_token = decrypt_advertising_token(refreshed["body"]["advertising_token"], keys)
    assert new_token.privacy_bits == 3
    assert new_token.raw_uid == token.raw_uid


async def test_phone_hashes_are_accepted(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    dii = {"phone_hash": hash_identifier("+447700900123")}
    request = cstg_request(local_operator, manual_clock.now_ms(), dii)

    assert opened(request, await post_cstg(asgi_client, request.body))["status"] == "success"


@pytest.mark.parametrize("email", ["optout@example.com", "jane@example.com"])
async def test_an_opted_out_dii_gets_a_sealed_optout(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    email: str,
) -> None:
    local_operator.admin.opt_out("email", "jane@example.com")
    request = cstg_request(local_operator, manual_clock.now_ms(), email_hash_dii(email))

    assert opened(request, await post_cstg(asgi_client, request.body)) == {"status": "optout"}


async def test_the_timestamp_is_bound_by_the_aad_but_never_checked_for_freshness(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    a_year_ago = manual_clock.now_ms() - 365 * 86_400_000
    request = cstg_request(local_operator, a_year_ago)

    assert opened(request, await post_cstg(asgi_client, request.body))["status"] == "success"


@pytest.mark.parametrize(
    "origin", ["https://www.example.com", "https://example.com:8443", "http://app.localhost:3000"]
)
async def test_a_page_passes_when_its_registrable_domain_is_allowed(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    origin: str,
) -> None:
    local_operator.cstg.add_names(domain_names=["example.com"])
    request = cstg_request(local_operator, manual_clock.now_ms())

    response = await post_cstg(asgi_client, request.body, origin=origin)

    assert opened(request, response)["status"] == "success"


async def test_an_app_passes_by_its_name_in_any_case_whatever_its_origin(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    local_operator.cstg.add_names(app_names=["com.uid2.devapp"])
    request = cstg_request(local_operator, manual_clock.now_ms(), app_name="COM.uid2.DevApp")

    response = await post_cstg(asgi_client, request.body, origin="https://elsewhere.example")

    assert opened(request, response)["status"] == "success"


# --- refusals, each with its status and message ----------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", (400, "client_error", "json payload expected but not found")),
        (b"null", (400, "client_error", "json payload expected but not found")),
        (b"not a valid json payload", (400, "client_error", "json payload is not valid")),
        (b"  ", (400, "client_error", "json payload is not valid")),
        (b"[1, 2]", UNKNOWN),
        (b'"text"', UNKNOWN),
        (b'{"timestamp": NaN}', (400, "client_error", "json payload is not valid")),
        (b'{"subscription_id": "x", "extra": 1}', UNKNOWN),
        (b'{"timestamp": "yesterday"}', UNKNOWN),
        (b'{"payload": {"a": 1}}', UNKNOWN),
        (b"{}", BAD_SUBSCRIPTION),
        (b'{"subscription_id": "4WvryDGbR5"}', BAD_SUBSCRIPTION),
    ],
    ids=lambda v: v.decode() if isinstance(v, bytes) else None,
)
async def test_bodies_that_are_not_a_cstg_request(
    asgi_client: httpx.AsyncClient, body: bytes, expected: tuple[int, str, str]
) -> None:
    assert refusal(await post_cstg(asgi_client, body)) == expected


async def test_a_disabled_key_pair_is_refused_before_the_origin_is_looked_at(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    request = cstg_request(local_operator, manual_clock.now_ms())
    local_operator.cstg.set_disabled(True)

    assert refusal(await post_cstg(asgi_client, request.body, origin=None)) == UNAUTHORIZED

    local_operator.cstg.set_disabled(False)
    assert opened(request, await post_cstg(asgi_client, request.body))["status"] == "success"


@pytest.mark.parametrize(
    "origin",
    [
        None,
        "https://blahblah.com",
        "http://local1host:8080",
        "http://a.b.localhost",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "null",
    ],
)
async def test_a_page_elsewhere_is_refused_before_the_request_is_read(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, origin: str | None
) -> None:
    body = {"subscription_id": local_operator.cstg.settings.subscription_id}

    assert refusal(await post_cstg(asgi_client, body, origin=origin)) == BAD_ORIGIN
    assert refusal(await post_cstg(asgi_client, body)) == REQUIRED


@pytest.mark.parametrize("app_name", ["", "com.other.app", "com.uid2.devap"])
async def test_an_app_with_another_name_is_refused(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    app_name: str,
) -> None:
    local_operator.cstg.add_names(app_names=["com.uid2.devapp"])
    request = cstg_request(local_operator, manual_clock.now_ms(), app_name=app_name)

    assert refusal(await post_cstg(asgi_client, request.body)) == BAD_APP


@pytest.mark.parametrize("missing", ["payload", "iv", "public_key"])
async def test_each_sealed_part_is_required(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    missing: str,
) -> None:
    body = dict(cstg_request(local_operator, manual_clock.now_ms()).body)
    body[missing] = None

    assert refusal(await post_cstg(asgi_client, body)) == REQUIRED


def _der_b64(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("public_key", "bad-key"), BAD_PUBLIC_KEY),
        (("public_key", base64.b64encode(b"not a key").decode()), BAD_PUBLIC_KEY),
        (("public_key", "UID2-X-L-" + "A" * 20), BAD_PUBLIC_KEY),
        (("iv", "not base64!"), BAD_IV),
        (("iv", base64.b64encode(bytes(11)).decode()), BAD_IV),
        (("payload", "not base64!"), DECRYPTION_FAILED),
        (("payload", base64.b64encode(bytes(40)).decode()), DECRYPTION_FAILED),
        (("timestamp", 1), DECRYPTION_FAILED),
        # A bad public key is found before a bad IV, a bad IV before a bad payload.
        (("iv+public_key", "bad-key"), BAD_PUBLIC_KEY),
        (("payload+iv", "not base64!"), BAD_IV),
    ],
)
async def test_sealed_parts_that_do_not_open(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    change: tuple[str, object],
    expected: tuple[int, str, str],
) -> None:
    body = dict(cstg_request(local_operator, manual_clock.now_ms()).body)
    fields, value = change
    for name in fields.split("+"):
        body[name] = value

    assert refusal(await post_cstg(asgi_client, body)) == expected


async def test_a_key_that_is_not_elliptic_is_bad_and_one_on_another_curve_fails_inside(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    body = dict(cstg_request(local_operator, manual_clock.now_ms()).body)

    body["public_key"] = _der_b64(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    assert refusal(await post_cstg(asgi_client, body)) == BAD_PUBLIC_KEY
    body["public_key"] = _der_b64(ec.generate_private_key(ec.SECP256K1()))
    assert refusal(await post_cstg(asgi_client, body)) == BAD_PUBLIC_KEY
    # Java's KeyFactory accepts a P-384 key; its KeyAgreement then throws (500).
    body["public_key"] = _der_b64(ec.generate_private_key(ec.SECP384R1()))
    assert refusal(await post_cstg(asgi_client, body)) == UNKNOWN


async def test_an_app_name_added_after_sealing_changes_the_aad(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    local_operator.cstg.add_names(app_names=["com.uid2.devapp"])
    body = dict(cstg_request(local_operator, manual_clock.now_ms()).body)
    body["app_name"] = "com.uid2.devapp"

    assert refusal(await post_cstg(asgi_client, body)) == DECRYPTION_FAILED


@pytest.mark.parametrize(
    ("plaintext", "expected"),
    [
        (b"not json", INVALID_JSON),
        (b"[]", INVALID_JSON),
        (b"7", INVALID_JSON),
        (b"null", INVALID_JSON),
        (b"{}", EXACTLY_ONE),
        (b'{"email": "jane@example.com"}', EXACTLY_ONE),
        (json.dumps({**email_hash_dii("a@b.com"), "phone_hash": "x"}).encode(), EXACTLY_ONE),
        (b'{"email_hash": "abc"}', INVALID_IDENTIFIER),
        (b'{"phone_hash": "' + b"A" * 43 + b'"}', INVALID_IDENTIFIER),
        # getString gives any value's text, so a number is just an invalid hash.
        (b'{"email_hash": 12}', INVALID_IDENTIFIER),
        (b'{"phone_hash": {"a": 1}}', INVALID_IDENTIFIER),
        # ... and a boolean is the text "false": present, so one hash, and an invalid one.
        (b'{"email_hash": false}', INVALID_IDENTIFIER),
    ],
)
async def test_payloads_that_do_not_name_one_valid_hash(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    plaintext: bytes,
    expected: tuple[int, str, str],
) -> None:
    body = _sealed_bytes(local_operator, plaintext, manual_clock.now_ms())

    assert refusal(await post_cstg(asgi_client, body)) == expected


async def test_refusals_and_successes_are_in_the_request_log(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    request = cstg_request(local_operator, manual_clock.now_ms())
    await post_cstg(asgi_client, request.body)
    await post_cstg(asgi_client, request.body, origin="https://blahblah.com")
    local_operator.close()  # flushes the log

    reopened = LocalOperator.open(local_operator.data_dir, clock=manual_clock)
    try:
        rows = reopened.admin.served_requests(0, 10)
    finally:
        reopened.close()
    assert [(r.path, r.status, r.http_status, r.client) for r in rows] == [
        ("/v2/token/client-generate", "success", 200, None),
        ("/v2/token/client-generate", "invalid_http_origin", 403, None),
    ]


# --- how Jackson maps the request's fields (OP CstgRequest) ---------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"subscription_id": true}',
        b'{"subscription_id": 12}',
        b'{"subscription_id": 1.5, "timestamp": ""}',
        b'{"timestamp": 7.9}',
    ],
    ids=lambda v: v.decode(),
)
async def test_a_string_field_holding_a_scalar_is_read_as_its_text(
    asgi_client: httpx.AsyncClient, body: bytes
) -> None:
    """Jackson writes a boolean or a number as text: the request maps, the subscription is bad."""
    assert refusal(await post_cstg(asgi_client, body)) == BAD_SUBSCRIPTION


@pytest.mark.parametrize(
    "timestamp",
    [
        b"true",
        b"1e400",
        b"-1e400",
        b"9223372036854775808",
        b"-9223372036854775809",
        b'"9223372036854775808"',
        b'"1.5"',
        b"[1]",
        b'{"a": 1}',
    ],
    ids=lambda v: v.decode(),
)
async def test_a_timestamp_that_is_not_a_java_long_is_an_unknown_error(
    asgi_client: httpx.AsyncClient, timestamp: bytes
) -> None:
    body = b'{"subscription_id": "x", "timestamp": ' + timestamp + b"}"

    assert refusal(await post_cstg(asgi_client, body)) == UNKNOWN


@pytest.mark.parametrize(
    ("sealed_at", "sent"),
    [
        (1_700_000_000_123, 1_700_000_000_123.75),
        (-5, -5.9),
        (1_700_000_000_123, " 1700000000123 "),
        (1_700_000_000_123, "+1700000000123"),
        (0, ""),
        (0, "   "),
        (0, None),
    ],
    ids=repr,
)
async def test_the_timestamp_bound_by_the_aad_is_the_long_jackson_reads(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    sealed_at: int,
    sent: object,
) -> None:
    """A float is truncated toward zero, a string is trimmed and parsed, blank or null is 0.

    The payload is sealed with ``sealed_at`` in its AAD; it opens only if the operator read
    ``sent`` as that same long.
    """
    plaintext = json.dumps(email_hash_dii("jane@example.com")).encode()
    body = _sealed_bytes(local_operator, plaintext, sealed_at)
    body["timestamp"] = sent

    response = await post_cstg(asgi_client, body)

    assert response.status_code == 200, response.text
