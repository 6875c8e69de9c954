"""OperatorClient against the real local operator, mounted in-process (httpx.ASGITransport)."""

from __future__ import annotations

import base64
import json
import logging
from typing import NamedTuple

import httpx
import pytest

from tests.client.operator_fixtures import client_for
from uid2_desk.client.bodies import REDACTED_SECRET
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.environments import Environment
from uid2_desk.client.operator_client import CLIENT_VERSION, OperatorClient
from uid2_desk.client.results import TokenStatus
from uid2_desk.client.skew import SkewLevel
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.envelope import decode_base64_body, open_request, open_response
from uid2_desk.protocol.errors import OperatorClientError, UnauthorizedError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import DiiKind, parse_dii
from uid2_desk.protocol.tokens import decrypt_advertising_token, key_lookup, unwrap_refresh_token


class DiiCase(NamedTuple):
    """One way of entering a DII, and the request field it must produce."""

    kind: DiiKind
    raw: str
    send_raw: bool
    field: str


DII_CASES = [
    DiiCase(DiiKind.EMAIL, "Jane.Doe+news@gmail.com", False, "email_hash"),
    DiiCase(DiiKind.EMAIL, "Jane.Doe+news@gmail.com", True, "email"),
    DiiCase(DiiKind.PHONE, "+12345678901", False, "phone_hash"),
    DiiCase(DiiKind.PHONE, "+12345678901", True, "phone"),
    DiiCase(
        DiiKind.EMAIL_HASH, "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=", False, "email_hash"
    ),
    DiiCase(
        DiiKind.PHONE_HASH, "EObwtHBUqDNZR33LNSMdtt5cafsYFuGmuY4ZLenlue4=", False, "phone_hash"
    ),
]


async def _identity(client: OperatorClient, email: str = "user@example.com") -> Identity:
    outcome = await client.generate(parse_dii(DiiKind.EMAIL, email))
    result = outcome.unwrap()
    assert result.identity is not None
    return result.identity


@pytest.mark.asyncio
@pytest.mark.parametrize("case", DII_CASES, ids=lambda c: f"{c.kind}-{c.field}")
async def test_generate_by_each_dii_kind_returns_an_identity_and_a_complete_exchange(
    publisher: OperatorClient, operator: LocalOperator, clock: ManualClock, case: DiiCase
) -> None:
    dii = parse_dii(case.kind, case.raw)
    field, send_raw = case.field, case.send_raw
    outcome = await publisher.generate(dii, send_raw=send_raw)

    assert outcome.ok, outcome.error
    result = outcome.unwrap()
    assert result.status is TokenStatus.SUCCESS
    identity = result.identity
    assert identity is not None
    assert identity.advertising_token.startswith("A4" if field.startswith("email") else "B4")
    assert len(identity.refresh_token) == 388
    assert identity.refresh_response_key is not None
    assert identity.identity_expires_ms == clock.now_ms() + operator.lifetimes.identity_ms

    ex = outcome.exchange
    assert ex.endpoint == "/v2/token/generate"
    assert ex.url == "http://operator.local/v2/token/generate"
    assert ex.started_ms == clock.now_ms()
    assert json.loads(ex.request_plaintext or "") == {
        field: dii.request_field(send_raw=send_raw)[1]
    }
    # The parsed request envelope is exactly what went on the wire.
    secret = base64.b64decode(operator.credentials.publisher.secret)
    wire = decode_base64_body(ex.request_body)
    env = ex.request_envelope
    assert env is not None
    assert wire == bytes([env.version or 0]) + env.iv + env.ciphertext + env.tag
    reopened = open_request(secret, wire)
    assert (reopened.timestamp_ms, reopened.nonce) == (ex.started_ms, env.nonce)
    assert reopened.payload.decode() == ex.request_plaintext
    # The reply: raw bytes, parts, decrypted text, nonce, server clock.
    assert ex.http_status == 200
    reply = ex.response_envelope
    assert reply is not None
    assert decode_base64_body(ex.response_body) == reply.iv + reply.ciphertext + reply.tag
    assert open_response(secret, decode_base64_body(ex.response_body), expected_nonce=env.nonce)
    assert reply.nonce == env.nonce
    assert ex.nonce_ok is True
    body = json.loads(ex.response_plaintext or "")
    assert body["status"] == "success"
    assert body["body"]["advertising_token"] == identity.advertising_token
    assert ex.operator_status == "success"
    assert ex.server_time_ms == clock.now_ms()
    # One clock on both sides: whatever is measured is within half the round trip.
    assert ex.clock_skew_ms is not None
    assert ex.clock_skew_uncertainty_ms is not None
    assert abs(ex.clock_skew_ms) <= ex.clock_skew_uncertainty_ms
    assert ex.server_date is not None
    assert ex.error is None
    assert ex.ok
    assert ("environment", "local") in ex.extra
    # Headers: masked key, our version, the Python SDK's content type.
    headers = dict(ex.request_headers)
    assert headers["authorization"] == "Bearer UID2-C-L-999-***"
    assert headers["x-uid2-client-version"] == CLIENT_VERSION == "uid2-desk-0.1.0"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    api_key = operator.credentials.publisher.api_key
    assert api_key not in repr(ex)
    assert operator.credentials.publisher.secret not in repr(ex)


@pytest.mark.asyncio
async def test_refresh_returns_a_new_identity_and_a_new_refresh_response_key(
    publisher: OperatorClient, clock: ManualClock
) -> None:
    first = await _identity(publisher)
    clock.advance(1_000)
    outcome = await publisher.refresh(first)

    result = outcome.unwrap()
    assert result.status is TokenStatus.SUCCESS
    second = result.identity
    assert second is not None
    assert second.refresh_token != first.refresh_token
    assert second.advertising_token != first.advertising_token
    assert second.refresh_response_key not in (None, first.refresh_response_key)
    assert second.identity_expires_ms == first.identity_expires_ms + 1_000

    ex = outcome.exchange
    assert ex.endpoint == "/v2/token/refresh"
    assert ex.request_body == first.refresh_token.encode()
    assert ex.request_plaintext == first.refresh_token
    assert ex.request_envelope is None
    assert dict(ex.request_headers)["authorization"] == "Bearer UID2-C-L-999-***"
    assert ex.response_envelope is not None
    assert ex.response_envelope.nonce is None
    assert ex.response_envelope.timestamp_ms is None
    assert ex.nonce_ok is None
    assert ex.server_time_ms is None
    assert ex.server_date is not None
    assert (ex.clock_skew_ms, ex.clock_skew_resolution_ms) == (0, 1000)  # from the Date header
    assert json.loads(ex.response_plaintext or "")["body"]["refresh_token"] == second.refresh_token
    # The chain goes on with the newest key.
    third = (await publisher.refresh(second)).unwrap()
    assert third.status is TokenStatus.SUCCESS


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "value"), [(DiiKind.EMAIL, "optout@example.com"), (DiiKind.PHONE, "+00000000000")]
)
async def test_generate_for_an_opted_out_test_identity_answers_optout(
    publisher: OperatorClient, kind: DiiKind, value: str
) -> None:
    outcome = await publisher.generate(parse_dii(kind, value))
    result = outcome.unwrap()
    assert result.status is TokenStatus.OPTOUT
    assert result.is_optout
    assert result.identity is None
    assert outcome.exchange.operator_status == "optout"
    assert outcome.exchange.ok


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "value"),
    [(DiiKind.EMAIL, "refresh-optout@example.com"), (DiiKind.PHONE, "+00000000002")],
)
async def test_refresh_of_the_refresh_optout_identity_answers_optout(
    publisher: OperatorClient, kind: DiiKind, value: str
) -> None:
    generated = (await publisher.generate(parse_dii(kind, value))).unwrap()
    assert generated.status is TokenStatus.SUCCESS
    assert generated.identity is not None
    outcome = await publisher.refresh(generated.identity)
    assert outcome.unwrap().status is TokenStatus.OPTOUT
    assert outcome.exchange.response_plaintext == '{"status":"optout"}'
    assert outcome.exchange.response_envelope is not None


@pytest.mark.asyncio
async def test_a_user_who_opts_out_after_sign_in_gets_optout_on_the_next_refresh(
    publisher: OperatorClient, operator: LocalOperator, clock: ManualClock
) -> None:
    identity = await _identity(publisher, "jane@example.com")
    clock.advance(1_000)
    operator.admin.opt_out("email", "jane@example.com")
    assert (await publisher.refresh(identity)).unwrap().status is TokenStatus.OPTOUT
    again = await publisher.generate(parse_dii(DiiKind.EMAIL, "jane@example.com"))
    assert again.unwrap().status is TokenStatus.OPTOUT


@pytest.mark.asyncio
async def test_an_unknown_api_key_is_unauthorized_and_the_exchange_is_kept(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    wrong = Credentials(
        "UID2-C-L-999-notARealKeyAtAll0123456789", operator.credentials.publisher.secret
    )
    client = OperatorClient(http, Environment.local("http://operator.local"), wrong, clock=clock)
    outcome = await client.generate(parse_dii(DiiKind.EMAIL, "user@example.com"))
    assert isinstance(outcome.error, UnauthorizedError)
    assert outcome.error.http_status == 401
    assert outcome.error.status == "unauthorized"
    assert "UID2-C-L-999-***" in str(outcome.error)
    assert "notARealKey" not in str(outcome.error)
    ex = outcome.exchange
    assert ex.http_status == 401
    assert ex.operator_status == "unauthorized"
    assert ex.response_plaintext == '{"status":"unauthorized"}'
    assert ex.error == str(outcome.error)
    assert ex.request_envelope is not None
    with pytest.raises(UnauthorizedError):
        outcome.unwrap()


@pytest.mark.asyncio
async def test_a_wrong_secret_is_a_client_error_quoting_the_operator(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    other_secret = base64.b64encode(bytes(range(32))).decode()
    creds = Credentials(operator.credentials.publisher.api_key, other_secret)
    client = OperatorClient(http, Environment.local("http://operator.local"), creds, clock=clock)
    outcome = await client.generate(parse_dii(DiiKind.EMAIL, "user@example.com"))
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.status == "client_error"
    assert outcome.error.operator_message is not None
    assert "Check encryption key (ClientSecret)" in outcome.error.operator_message
    assert "Check encryption key (ClientSecret)" in str(outcome.error)
    assert "re-enter the secret" in str(outcome.error)
    assert outcome.exchange.http_status == 400


@pytest.mark.asyncio
async def test_refresh_after_refresh_expires_is_refused_with_expired_token(
    publisher: OperatorClient, clock: ManualClock
) -> None:
    identity = await _identity(publisher)
    clock.set(identity.refresh_expires_ms + 1)
    outcome = await publisher.refresh(identity)
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.status == "expired_token"
    assert outcome.error.http_status == 400
    assert "must sign in again" in str(outcome.error)
    assert outcome.exchange.operator_status == "expired_token"


@pytest.mark.asyncio
async def test_refresh_with_an_unknown_api_key_gets_the_generic_error_status(
    http: httpx.AsyncClient, publisher: OperatorClient, clock: ManualClock
) -> None:
    identity = await _identity(publisher)
    clock.set(identity.refresh_expires_ms + 1)
    anonymous = OperatorClient(
        http,
        publisher.environment,
        Credentials("UID2-C-L-999-unknownKeyForRefresh000000", publisher.credentials.secret),
        clock=clock,
    )
    outcome = await anonymous.refresh(identity)
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.status == "error"
    assert "Check the API key" in str(outcome.error)


@pytest.mark.asyncio
async def test_validate_says_whether_a_token_belongs_to_a_dii(publisher: OperatorClient) -> None:
    identity = await _identity(publisher, "validate@example.com")
    same = await publisher.validate(
        identity.advertising_token, parse_dii(DiiKind.EMAIL, "validate@example.com")
    )
    assert same.ok
    assert same.value is True
    other = await publisher.validate(
        identity.advertising_token, parse_dii(DiiKind.EMAIL, "someone.else@example.com")
    )
    assert other.ok
    assert other.value is False
    assert json.loads(other.exchange.request_plaintext or "")["token"] == identity.advertising_token


@pytest.mark.asyncio
async def test_validate_of_garbage_is_a_client_error(publisher: OperatorClient) -> None:
    outcome = await publisher.validate("garbage", parse_dii(DiiKind.EMAIL, "a@example.com"))
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.operator_message == "Invalid token"


@pytest.mark.asyncio
async def test_bidstream_keys_decrypt_the_publishers_token_and_stay_out_of_the_record(
    http: httpx.AsyncClient, operator: LocalOperator, publisher: OperatorClient, clock: ManualClock
) -> None:
    identity = await _identity(publisher)
    dsp = client_for(http, operator.credentials.dsp, clock)
    outcome = await dsp.key_bidstream()
    bundle = outcome.unwrap()
    assert bundle.identity_scope == "UID2"
    assert bundle.allow_clock_skew_seconds == 1800
    assert bundle.max_bidstream_lifetime_seconds == operator.lifetimes.identity_s + 10
    assert bundle.keys
    assert all(len(k.secret) == 32 for k in bundle.keys)
    contents = decrypt_advertising_token(
        identity.advertising_token, bundle.lookup(), now_ms=clock.now_ms()
    )
    assert contents.publisher.site_id == operator.credentials.publisher.site_id
    # Key secrets never reach the record that the journal and exports keep.
    text = outcome.exchange.response_plaintext or ""
    assert REDACTED_SECRET in text
    for key in bundle.keys:
        assert base64.b64encode(key.secret).decode() not in text
    assert "secret" not in repr(bundle.keys[0])


@pytest.mark.asyncio
async def test_sharing_keys_carry_the_sharing_header_fields(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    sharer = client_for(http, operator.credentials.sharer, clock)
    bundle = (await sharer.key_sharing()).unwrap()
    assert bundle.caller_site_id == operator.credentials.sharer.site_id
    assert bundle.master_keyset_id == 9999999
    assert bundle.token_expiry_seconds is not None
    assert bundle.max_sharing_lifetime_seconds is not None
    assert any(k.keyset_id == 9999999 for k in bundle.keys)


@pytest.mark.asyncio
async def test_a_publisher_key_cannot_read_bidstream_keys(publisher: OperatorClient) -> None:
    outcome = await publisher.key_bidstream()
    assert isinstance(outcome.error, UnauthorizedError)
    assert "lacks the role" in str(outcome.error)


@pytest.mark.asyncio
async def test_optout_status_lists_only_opted_out_raw_uids(
    http: httpx.AsyncClient, operator: LocalOperator, publisher: OperatorClient, clock: ManualClock
) -> None:
    keys = (await client_for(http, operator.credentials.dsp, clock).key_bidstream()).unwrap()
    uids = []
    for email in ("leaving@example.com", "staying@example.com"):
        token = (await _identity(publisher, email)).advertising_token
        raw = decrypt_advertising_token(token, keys.lookup(), now_ms=clock.now_ms()).raw_uid
        uids.append(base64.b64encode(raw).decode())
    clock.advance(1_000)
    operator.admin.opt_out("email", "leaving@example.com")
    outcome = await publisher.optout_status(uids)
    status = outcome.unwrap()
    assert status.is_opted_out(uids[0])
    assert not status.is_opted_out(uids[1])
    # The operator's store keeps whole seconds: opted_out_since is epoch seconds x 1000.
    assert status.opted_out[0].opted_out_since_ms == clock.now_ms() // 1000 * 1000
    assert json.loads(outcome.exchange.request_plaintext or "") == {"advertising_ids": uids}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("offset_ms", "level"),
    [(30_000, SkewLevel.OK), (50_000, SkewLevel.WARNING), (-90_000, SkewLevel.ERROR)],
)
async def test_operator_clock_skew_is_measured_graded_and_logged(
    publisher: OperatorClient,
    operator: LocalOperator,
    offset_ms: int,
    level: SkewLevel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    operator.admin.set_clock_offset(offset_ms)
    with caplog.at_level(logging.WARNING, logger="uid2_desk.client"):
        outcome = await publisher.generate(parse_dii(DiiKind.EMAIL, "user@example.com"))
    assert outcome.ok
    ex = outcome.exchange
    # Measured against the middle of the (real) round trip: exact to within half of it.
    assert ex.clock_skew_ms is not None
    assert ex.clock_skew_uncertainty_ms is not None
    assert abs(ex.clock_skew_ms - offset_ms) <= ex.clock_skew_uncertainty_ms
    assert ex.clock_skew_resolution_ms == 1  # the envelope's own timestamp
    assert outcome.skew is not None
    assert outcome.skew.level is level
    assert ("clock is" in caplog.text) is (level is not SkewLevel.OK)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("offset_ms", "level"),
    [(-30_000, SkewLevel.OK), (50_000, SkewLevel.WARNING), (-90_000, SkewLevel.ERROR)],
)
async def test_a_refresh_reply_shows_the_skew_to_the_second_through_its_date_header(
    publisher: OperatorClient,
    operator: LocalOperator,
    clock: ManualClock,
    offset_ms: int,
    level: SkewLevel,
) -> None:
    identity = await _identity(publisher)
    operator.admin.set_clock_offset(offset_ms)
    clock.advance(1_234)  # whatever the millisecond, whole seconds are compared
    outcome = await publisher.refresh(identity)
    assert outcome.ok
    ex = outcome.exchange
    assert ex.server_time_ms is None  # a refresh reply carries no timestamp
    assert ex.clock_skew_ms == offset_ms
    assert ex.clock_skew_resolution_ms == 1000
    assert outcome.skew is not None
    assert outcome.skew.level is level


@pytest.mark.asyncio
async def test_an_error_reply_still_shows_the_skew_that_caused_it(
    publisher: OperatorClient, operator: LocalOperator
) -> None:
    operator.admin.set_clock_offset(150_000)
    outcome = await publisher.generate(parse_dii(DiiKind.EMAIL, "user@example.com"))
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.exchange.clock_skew_ms == 150_000
    assert outcome.skew is not None
    assert outcome.skew.level is SkewLevel.ERROR


@pytest.mark.asyncio
@pytest.mark.parametrize("offset_ms", [-110_000, 110_000])
async def test_the_operator_accepts_nearly_two_minutes_of_skew_as_the_hint_says(
    publisher: OperatorClient, operator: LocalOperator, offset_ms: int
) -> None:
    operator.admin.set_clock_offset(offset_ms)
    outcome = await publisher.generate(parse_dii(DiiKind.EMAIL, "user@example.com"))
    assert outcome.ok, outcome.error
    assert outcome.skew is not None
    assert outcome.skew.level is SkewLevel.ERROR  # accepted, but beyond what the docs promise


@pytest.mark.asyncio
async def test_skew_beyond_the_operators_window_is_refused_with_a_clock_hint(
    publisher: OperatorClient, operator: LocalOperator
) -> None:
    operator.admin.set_clock_offset(130_000)
    outcome = await publisher.generate(parse_dii(DiiKind.EMAIL, "user@example.com"))
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.operator_message is not None
    assert "Invalid timestamp" in outcome.error.operator_message
    assert "sync this machine's clock" in str(outcome.error)
    assert "up to about 2 minutes off" in str(outcome.error)
    assert "60 s" in str(outcome.error)


@pytest.mark.asyncio
async def test_refresh_without_a_refresh_response_key_reads_the_plain_json_reply(
    publisher: OperatorClient, operator: LocalOperator
) -> None:
    identity = await _identity(publisher)
    # A v1-style (bare inner) refresh token: the operator answers it in plain JSON.
    inner = unwrap_refresh_token(identity.refresh_token, key_lookup(operator.admin.all_keys()))
    outcome = await publisher.refresh_token(inner.inner_token, None)
    result = outcome.unwrap()
    assert result.status is TokenStatus.SUCCESS
    assert outcome.exchange.response_envelope is None
    assert outcome.exchange.response_plaintext == outcome.exchange.response_body.decode()
    assert json.loads(outcome.exchange.response_plaintext)["status"] == "success"


@pytest.mark.asyncio
async def test_no_log_line_carries_the_api_key_or_the_secret(
    http: httpx.AsyncClient,
    operator: LocalOperator,
    publisher: OperatorClient,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        identity = await _identity(publisher)
        await publisher.refresh(identity)
        await publisher.key_bidstream()  # fails: wrong role, logged as a warning
        wrong = Credentials(publisher.credentials.api_key, base64.b64encode(bytes(32)).decode())
        await OperatorClient(http, publisher.environment, wrong, clock=clock).generate(
            parse_dii(DiiKind.EMAIL, "user@example.com")
        )
    assert "uid2_desk.client" in {r.name.rsplit(".", 1)[0] for r in caplog.records}
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    for creds in (operator.credentials.publisher, operator.credentials.dsp):
        assert creds.api_key not in caplog.text
        assert creds.secret not in caplog.text
    assert publisher.credentials.secret not in repr(publisher)
    assert publisher.credentials.api_key not in repr(publisher)
