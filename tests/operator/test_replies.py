"""What the operator answers when the request is right: byte-faithful JSON, lifetimes, keys,
validate, logout and opt-out status (uid2-protocol.md §2.4, §3, §6, §7.1)."""

from __future__ import annotations

import base64
import json
import re

import httpx
import pytest

from tests.operator.support import bearer, call, generate, open_refresh, open_reply, seal
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.tokens import decrypt_advertising_token, inspect_token, key_lookup

BODY_KEYS = [
    "advertising_token",
    "refresh_token",
    "identity_expires",
    "refresh_expires",
    "refresh_from",
    "refresh_response_key",
]


@pytest.mark.asyncio
async def test_generate_reply_is_compact_json_with_body_first_and_keys_in_operator_order(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, {"email": "jane@example.com"}, manual_clock.now_ms())

    response = await asgi_client.post(
        "/v2/token/generate", content=sealed.body, headers=bearer(creds)
    )
    plaintext = open_reply(creds.secret, response, sealed.nonce)

    assert response.headers["content-type"] == "text/plain"
    assert plaintext.startswith(b'{"body":{"advertising_token":"A4')
    assert plaintext.endswith(b'"},"status":"success"}')
    assert b" " not in plaintext
    assert list(json.loads(plaintext)["body"]) == BODY_KEYS


@pytest.mark.asyncio
async def test_generate_times_follow_the_lifetimes_in_epoch_milliseconds(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    now = manual_clock.now_ms()

    body = (await generate(asgi_client, local_operator.credentials.publisher, now, email="a@b.co"))[
        "body"
    ]

    assert body["refresh_from"] == now + 15 * 60_000
    assert body["identity_expires"] == now + 60 * 60_000
    assert body["refresh_expires"] == now + 24 * 3_600_000


@pytest.mark.asyncio
async def test_advertising_tokens_are_v4_with_privacy_bits_1_under_master_and_site_keys(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    now = manual_clock.now_ms()
    publisher = local_operator.credentials.publisher
    body = (await generate(asgi_client, publisher, now, phone="+12345678901"))["body"]
    token = body["advertising_token"]
    keys = {k.id: k for k in local_operator.admin.all_keys()}

    header = inspect_token(token)
    contents = decrypt_advertising_token(token, key_lookup(keys.values()), now_ms=now)

    assert header.version == 4
    assert header.encoding == "base64url"
    assert keys[header.master_key_id].keyset_id == -1
    assert keys[contents.site_key_id].site_id == publisher.site_id
    assert contents.privacy_bits == 1
    assert contents.publisher.site_id == publisher.site_id
    assert contents.established_ms == contents.generated_ms == now
    assert contents.expires_ms == body["identity_expires"]


@pytest.mark.asyncio
async def test_refresh_keeps_established_time_and_moves_everything_else(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    start = manual_clock.now_ms()
    body = (
        await generate(asgi_client, local_operator.credentials.publisher, start, email="r@x.io")
    )["body"]
    manual_clock.advance(20 * 60_000)

    response = await asgi_client.post("/v2/token/refresh", content=body["refresh_token"])
    document = open_refresh(response, body["refresh_response_key"])
    new = document["body"]
    keys = key_lookup(local_operator.admin.all_keys())
    contents = decrypt_advertising_token(new["advertising_token"], keys)

    assert document["status"] == "success"
    assert list(new) == BODY_KEYS
    assert new["refresh_response_key"] != body["refresh_response_key"]
    assert new["identity_expires"] == manual_clock.now_ms() + 60 * 60_000
    assert contents.established_ms == start
    assert contents.refreshed_ms == manual_clock.now_ms()


@pytest.mark.asyncio
async def test_a_refresh_reply_is_the_bare_json_encrypted_with_the_refresh_response_key(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    body = (
        await generate(
            asgi_client,
            local_operator.credentials.publisher,
            manual_clock.now_ms(),
            email="refresh-optout@example.com",
        )
    )["body"]

    response = await asgi_client.post("/v2/token/refresh", content=body["refresh_token"])

    assert response.headers["content-type"] == "text/plain"
    assert open_refresh(response, body["refresh_response_key"]) == {"status": "optout"}


@pytest.mark.asyncio
async def test_sharing_keys_report_the_master_keyset_as_9999999_and_expiry_as_a_string(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    sharer = local_operator.credentials.sharer

    body = (await call(asgi_client, "/v2/key/sharing", sharer, None, manual_clock.now_ms()))["body"]

    assert list(body)[:6] == [
        "caller_site_id",
        "master_keyset_id",
        "default_keyset_id",
        "token_expiry_seconds",
        "max_sharing_lifetime_seconds",
        "identity_scope",
    ]
    assert body["caller_site_id"] == sharer.site_id
    assert body["master_keyset_id"] == 9_999_999
    assert body["token_expiry_seconds"] == "2592000"
    assert body["max_sharing_lifetime_seconds"] == 2_592_010
    assert body["allow_clock_skew_seconds"] == 1800
    assert body["identity_scope"] == "UID2"
    keysets = [k.get("keyset_id") for k in body["keys"]]
    assert 9_999_999 in keysets
    assert body["default_keyset_id"] in keysets


@pytest.mark.asyncio
async def test_sharing_keys_give_a_max_sharing_lifetime_only_to_a_sharer(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    """handleKeysSharing: an ID reader may fetch sharing keys, but gets no sharing lifetime."""
    dsp = local_operator.credentials.dsp

    body = (await call(asgi_client, "/v2/key/sharing", dsp, None, manual_clock.now_ms()))["body"]

    assert body["caller_site_id"] == dsp.site_id
    assert "token_expiry_seconds" in body
    assert "max_sharing_lifetime_seconds" not in body


@pytest.mark.asyncio
async def test_bidstream_keys_allow_identity_lifetime_plus_ten_seconds_and_hide_refresh_keys(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    dsp = local_operator.credentials.dsp
    refresh_ids = {k.id for k in local_operator.admin.all_keys() if k.keyset_id == -2}

    body = (await call(asgi_client, "/v2/key/bidstream", dsp, None, manual_clock.now_ms()))["body"]

    assert body["max_bidstream_lifetime_seconds"] == 3600 + 10
    assert body["allow_clock_skew_seconds"] == 1800
    assert refresh_ids
    assert refresh_ids.isdisjoint({k["id"] for k in body["keys"]})
    assert all(list(k) == ["id", "created", "activates", "expires", "secret"] for k in body["keys"])
    assert body["site_data"] == [
        {"id": local_operator.credentials.publisher.site_id, "domain_names": ["localhost"]}
    ]


@pytest.mark.asyncio
async def test_key_latest_is_a_bare_array_with_site_ids(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    body = (
        await call(
            asgi_client,
            "/v2/key/latest",
            local_operator.credentials.dsp,
            None,
            manual_clock.now_ms(),
        )
    )["body"]

    assert isinstance(body, list)
    assert {-1, local_operator.credentials.publisher.site_id} <= {k["site_id"] for k in body}


@pytest.mark.asyncio
async def test_rotated_keys_sign_new_tokens_while_old_tokens_still_refresh(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    old = (await generate(asgi_client, creds, manual_clock.now_ms(), email="k@x.io"))["body"]
    old_master = inspect_token(old["advertising_token"]).master_key_id

    new_ids = local_operator.admin.rotate_keys()
    new = (await generate(asgi_client, creds, manual_clock.now_ms(), email="k@x.io"))["body"]
    refreshed = await asgi_client.post("/v2/token/refresh", content=old["refresh_token"])

    assert inspect_token(new["advertising_token"]).master_key_id in new_ids
    assert old_master not in new_ids
    assert open_refresh(refreshed, old["refresh_response_key"])["status"] == "success"
    dsp_keys = await call(
        asgi_client,
        "/v2/key/bidstream",
        local_operator.credentials.dsp,
        None,
        manual_clock.now_ms(),
    )
    published = {k["id"] for k in dsp_keys["body"]["keys"]}
    assert {old_master, inspect_token(new["advertising_token"]).master_key_id} <= published


@pytest.mark.asyncio
async def test_validate_says_whether_a_token_belongs_to_a_dii(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    now = manual_clock.now_ms()
    token = (await generate(asgi_client, creds, now, email="v@example.com"))["body"][
        "advertising_token"
    ]

    same = await call(
        asgi_client, "/v2/token/validate", creds, {"token": token, "email": "V@example.com"}, now
    )
    other = await call(
        asgi_client, "/v2/token/validate", creds, {"token": token, "email": "w@example.com"}, now
    )
    sealed = seal(creds.secret, {"token": "garbage", "email": "v@example.com"}, now)
    broken = await asgi_client.post(
        "/v2/token/validate", content=sealed.body, headers=bearer(creds)
    )

    assert same == {"body": True, "status": "success"}
    assert other == {"body": False, "status": "success"}
    assert broken.status_code == 400
    assert broken.json() == {"message": "Invalid token", "status": "client_error"}


@pytest.mark.asyncio
async def test_logout_opts_out_and_optout_status_reports_since_when(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    publisher = local_operator.credentials.publisher
    now = manual_clock.now_ms()
    token = (await generate(asgi_client, publisher, now, email="bye@example.com"))["body"][
        "advertising_token"
    ]
    keys = key_lookup(local_operator.admin.all_keys())
    uid = base64.b64encode(decrypt_advertising_token(token, keys).raw_uid).decode()
    manual_clock.advance(1000)

    logout = await call(
        asgi_client,
        "/v2/token/logout",
        publisher,
        {"email": "bye@example.com"},
        manual_clock.now_ms(),
    )
    status = await call(
        asgi_client,
        "/v2/optout/status",
        local_operator.credentials.sharer,
        {"advertising_ids": [uid, "bm90LW9wdGVkLW91dA=="]},
        manual_clock.now_ms(),
    )
    again = await generate(asgi_client, publisher, manual_clock.now_ms(), email="bye@example.com")

    assert logout == {"body": {"optout": "OK"}, "status": "success"}
    assert status["body"] == {"opted_out": [{"advertising_id": uid, "opted_out_since": now + 1000}]}
    assert again == {"status": "optout"}


@pytest.mark.asyncio
async def test_optout_status_without_advertising_ids_is_a_client_error(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    dsp = local_operator.credentials.dsp
    sealed = seal(dsp.secret, {}, manual_clock.now_ms())

    response = await asgi_client.post("/v2/optout/status", content=sealed.body, headers=bearer(dsp))

    assert response.status_code == 400
    assert response.json()["message"] == "Required Parameter Missing: advertising_ids"


@pytest.mark.asyncio
async def test_validate_identity_is_never_opted_out_even_after_an_admin_optout(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    local_operator.admin.opt_out("email", "validate@example.com")

    reply = await generate(
        asgi_client,
        local_operator.credentials.publisher,
        manual_clock.now_ms(),
        email="validate@example.com",
    )

    assert reply["status"] == "success"


@pytest.mark.asyncio
async def test_healthcheck_answers_ok_and_every_reply_has_a_date_from_the_operator_clock(
    asgi_client: httpx.AsyncClient,
) -> None:
    response = await asgi_client.get("/ops/healthcheck")

    assert response.status_code == 200
    assert response.text == "OK"
    assert re.fullmatch(r"Thu, 01 Jan 2026 00:00:0\d GMT", response.headers["date"])


@pytest.mark.asyncio
async def test_identity_map_v3_without_any_identifier_array_is_a_client_error(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, {"unknown": []}, manual_clock.now_ms())

    response = await asgi_client.post(
        "/v3/identity/map", content=sealed.body, headers=bearer(creds)
    )

    assert response.status_code == 400
    assert response.json()["status"] == "client_error"


@pytest.mark.asyncio
async def test_identity_map_v3_answers_every_array_in_input_order(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    reply = await call(
        asgi_client,
        "/v3/identity/map",
        local_operator.credentials.publisher,
        {"email": ["a@example.com", "not an email", "optout@example.com"]},
        manual_clock.now_ms(),
    )

    body = reply["body"]
    assert list(body) == ["email", "email_hash", "phone", "phone_hash"]
    assert [sorted(e) for e in body["email"]] == [["p", "r", "u"], ["e"], ["e"]]
    assert body["email"][1:] == [{"e": "invalid identifier"}, {"e": "optout"}]
    assert body["email"][0]["r"] == manual_clock.now_ms() // 1000 + 86_400
