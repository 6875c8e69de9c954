"""The desk as a device generating tokens client-side, against the real local operator."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.client.operator_fixtures import IN_PROCESS_URL
from uid2_desk.client.cstg_client import CLIENT_GENERATE, CstgClient
from uid2_desk.client.cstg_site import CstgSite
from uid2_desk.client.environments import Environment
from uid2_desk.client.results import TokenStatus
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.cstg_keys import encode_public_key, new_private_key
from uid2_desk.protocol.errors import OperatorClientError, UnauthorizedError
from uid2_desk.protocol.normalize import DiiKind, parse_dii

APP = "com.example.tvapp"
pytestmark = pytest.mark.asyncio(loop_scope="function")


def device(http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock) -> CstgClient:
    """The desk's device for the operator's own CSTG site."""
    settings = operator.cstg.settings
    site = CstgSite(settings.subscription_id, settings.server_public_key)
    return CstgClient(http, Environment.local(IN_PROCESS_URL), site, clock=clock)


async def test_an_app_gets_an_identity_and_the_exchange_shows_the_cstg_parts(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    operator.cstg.add_names(app_names=[APP])
    dii = parse_dii(DiiKind.EMAIL, "jane@example.com")

    outcome = await device(http, operator, clock).generate(dii, app_name=APP)

    assert outcome.error is None
    assert outcome.value is not None
    assert outcome.value.status is TokenStatus.SUCCESS
    assert outcome.value.identity is not None
    extra = dict(outcome.exchange.extra)
    assert extra["cstg.aad"] == f'[{clock.now_ms()},"{APP}"]'
    assert len(extra["cstg.client_public_key"]) > 100  # base64 SPKI of a P-256 key
    assert outcome.exchange.request_plaintext == json.dumps({"email_hash": dii.hash_b64}).replace(
        " ", ""
    )
    assert json.loads(outcome.exchange.response_plaintext or "")["status"] == "success"
    headers = dict(outcome.exchange.request_headers)
    assert "Authorization" not in headers
    assert "authorization" not in headers


async def test_each_call_makes_a_new_device_key_pair(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    dii = parse_dii(DiiKind.EMAIL, "jane@example.com")
    client = device(http, operator, clock)
    first = await client.generate(dii, origin="http://localhost:8080")
    second = await client.generate(dii, origin="http://localhost:8080")
    keys = {dict(o.exchange.extra)["cstg.client_public_key"] for o in (first, second)}
    assert len(keys) == 2
    assert dict(first.exchange.extra)["cstg.aad"] == f"[{clock.now_ms()}]"


async def test_the_identity_refreshes_without_an_api_key(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    client = device(http, operator, clock)
    generated = await client.generate(parse_dii(DiiKind.EMAIL, "jane@example.com"))
    assert generated.value is not None
    assert generated.value.identity is not None

    refreshed = await client.refresh(generated.value.identity)

    assert refreshed.error is None
    assert refreshed.value is not None
    assert refreshed.value.status is TokenStatus.SUCCESS
    assert refreshed.exchange.response_envelope is not None


async def test_an_opted_out_email_gets_optout(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    outcome = await device(http, operator, clock).generate(
        parse_dii(DiiKind.EMAIL, "optout@example.com")
    )
    assert outcome.value is not None
    assert outcome.value.status is TokenStatus.OPTOUT


async def test_an_unknown_app_is_refused_and_explained(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    outcome = await device(http, operator, clock).generate(
        parse_dii(DiiKind.EMAIL, "jane@example.com"), app_name="com.example.unknown"
    )
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.http_status == 403
    assert outcome.error.status == "invalid_app_name"
    assert outcome.error.operator_message == "unexpected app name"
    assert "allowed list" in str(outcome.error)  # the explanation table's fix
    assert outcome.exchange.endpoint == CLIENT_GENERATE
    assert outcome.exchange.operator_status == "invalid_app_name"


async def test_a_page_on_another_domain_is_refused(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    outcome = await device(http, operator, clock).generate(
        parse_dii(DiiKind.EMAIL, "jane@example.com"), origin="https://evil.example"
    )
    assert isinstance(outcome.error, OperatorClientError)
    assert (outcome.error.http_status, outcome.error.status) == (403, "invalid_http_origin")


async def test_a_disabled_key_pair_is_a_401_about_the_site_not_an_api_key(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    operator.cstg.set_disabled(True)
    outcome = await device(http, operator, clock).generate(
        parse_dii(DiiKind.EMAIL, "jane@example.com")
    )
    assert isinstance(outcome.error, UnauthorizedError)
    assert "key pair" in str(outcome.error)
    assert "API key" not in str(outcome.error).split(".")[0]


async def test_another_operators_public_key_is_refused_as_payload_decryption_failed(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    settings = operator.cstg.settings
    site = CstgSite(settings.subscription_id, encode_public_key(new_private_key().public_key()))
    client = CstgClient(http, Environment.local(IN_PROCESS_URL), site, clock=clock)
    outcome = await client.generate(parse_dii(DiiKind.EMAIL, "jane@example.com"))
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.operator_message == "payload decryption failed"
