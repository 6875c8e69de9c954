"""The CSTG key pair and site names: kept per data dir, published in ``site_data``, editable
through the admin surface, and never showing the private key."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.operator.cstg_support import cstg_request, opened, post_cstg, refusal
from tests.operator.support import call
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.cstg_keys import decode_public_key, encode_private_key
from uid2_desk.protocol.errors import InputError

ADMIN_CSTG = "/_desk/admin/cstg"

pytestmark = pytest.mark.asyncio


def _private_key_text(operator: LocalOperator) -> str:
    pair = operator.cstg.keypair(operator.cstg.settings.subscription_id)
    assert pair is not None
    return encode_private_key(pair.private_key)


async def test_a_new_data_dir_gets_a_p256_key_pair_for_the_publisher_and_localhost(
    local_operator: LocalOperator,
) -> None:
    settings = local_operator.cstg.settings

    assert len(settings.subscription_id) == 10
    assert settings.subscription_id.isalnum()
    assert settings.server_public_key.startswith("UID2-X-L-MFkw")
    decode_public_key(settings.server_public_key)  # a P-256 key, or this raises
    assert settings.site_id == local_operator.credentials.publisher.site_id
    assert (settings.domain_names, settings.app_names, settings.disabled) == (
        ("localhost",),
        (),
        False,
    )


async def test_the_key_pair_names_and_state_survive_reopening(
    tmp_path: Path, manual_clock: ManualClock
) -> None:
    with LocalOperator.open(tmp_path / "op", clock=manual_clock) as first:
        first.cstg.add_names(["example.com"], ["com.uid2.devapp"])
        first.cstg.set_disabled(True)
        before, private = first.cstg.settings, _private_key_text(first)

    with LocalOperator.open(tmp_path / "op", clock=manual_clock) as again:
        assert again.cstg.settings == before
        assert _private_key_text(again) == private
        assert again.cstg.settings.domain_names == ("example.com", "localhost")


@pytest.mark.parametrize(
    ("domain", "hint"),
    [
        ("www.example.com", "give 'example.com' instead"),
        ("co.uk", "not a domain name a page can have"),
        ("127.0.0.1", "not a domain name a page can have"),
    ],
)
async def test_a_domain_that_could_never_match_is_refused_and_nothing_changes(
    local_operator: LocalOperator, domain: str, hint: str
) -> None:
    with pytest.raises(InputError, match=hint):
        local_operator.cstg.add_names(["example.org", domain])

    assert local_operator.cstg.settings.domain_names == ("localhost",)


async def test_the_private_key_never_leaves_the_store(local_operator: LocalOperator) -> None:
    settings = local_operator.cstg.settings
    private = _private_key_text(local_operator)
    pair = local_operator.cstg.keypair(settings.subscription_id)

    shown = json.dumps(settings.to_json()) + repr(settings) + repr(pair)
    assert private[9:] not in shown
    assert set(settings.to_json()) == {
        "subscription_id",
        "server_public_key",
        "domain_names",
        "app_names",
    }


@pytest.mark.parametrize(
    ("path", "client"), [("/v2/key/bidstream", "dsp"), ("/v2/key/sharing", "sharer")]
)
async def test_key_endpoints_publish_the_sites_domains_and_app_names_after_the_keys(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    path: str,
    client: str,
) -> None:
    local_operator.cstg.add_names(["example.com"], ["com.uid2.devapp"])
    creds = getattr(local_operator.credentials, client)

    body = (await call(asgi_client, path, creds, {}, manual_clock.now_ms()))["body"]

    assert body["site_data"] == [
        {"id": 999, "domain_names": ["com.uid2.devapp", "example.com", "localhost"]}
    ]
    assert list(body)[-2:] == ["keys", "site_data"]


async def test_a_site_without_names_is_left_out_of_site_data(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    local_operator.cstg.set_names([], [])
    creds = local_operator.credentials.dsp

    body = (await call(asgi_client, "/v2/key/bidstream", creds, {}, manual_clock.now_ms()))["body"]

    assert body["site_data"] == []


async def test_the_admin_disables_the_key_pair_and_the_operator_answers_401(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    admin = {"Authorization": f"Bearer {local_operator.admin_token}"}
    request = cstg_request(local_operator, manual_clock.now_ms())

    put = await asgi_client.put(ADMIN_CSTG, json={"disabled": True}, headers=admin)
    assert put.status_code == 200
    assert put.json()["disabled"] is True
    assert _private_key_text(local_operator)[9:] not in put.text
    assert refusal(await post_cstg(asgi_client, request.body)) == (
        401,
        "unauthorized",
        "Unauthorized",
    )

    await asgi_client.put(ADMIN_CSTG, json={"disabled": False}, headers=admin)
    assert opened(request, await post_cstg(asgi_client, request.body))["status"] == "success"


async def test_the_admin_sets_the_sites_names(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    admin = {"Authorization": f"Bearer {local_operator.admin_token}"}

    put = await asgi_client.put(
        ADMIN_CSTG, json={"domain_names": ["example.com"], "app_names": ["A.b"]}, headers=admin
    )
    bad = await asgi_client.put(ADMIN_CSTG, json={"domain_names": ["www.x.com"]}, headers=admin)
    unauthenticated = await asgi_client.get(ADMIN_CSTG)

    assert put.json()["domain_names"] == ["example.com"]
    assert put.json()["app_names"] == ["A.b"]
    assert bad.status_code == 400
    assert "give 'x.com' instead" in bad.json()["error"]
    assert unauthenticated.status_code == 401
    assert local_operator.cstg.settings.domain_names == ("example.com",)


async def test_the_admin_reads_the_cstg_settings_without_the_private_key(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    admin = {"Authorization": f"Bearer {local_operator.admin_token}"}

    read = await asgi_client.get(ADMIN_CSTG, headers=admin)

    settings = local_operator.cstg.settings
    assert read.status_code == 200
    assert read.json() == {**settings.to_json(), "disabled": False}
    assert _private_key_text(local_operator) not in read.text


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", '"disabled"'),
        (b'["example.com"]', '"disabled"'),
        (b'{"disabled": "yes"}', "disabled must be true or false"),
        (b'{"domain_names": "example.com"}', "domain_names must be a list of strings"),
        (b'{"app_names": [1]}', "app_names must be a list of strings"),
    ],
)
async def test_a_malformed_cstg_change_is_a_400_and_nothing_changes(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, body: bytes, words: str
) -> None:
    admin = {"Authorization": f"Bearer {local_operator.admin_token}"}
    before = local_operator.cstg.settings

    refused = await asgi_client.put(ADMIN_CSTG, content=body, headers=admin)

    assert refused.status_code == 400
    assert words in refused.json()["error"]
    assert local_operator.cstg.settings == before
