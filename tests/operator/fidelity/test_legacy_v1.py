"""The legacy v1 token endpoints behind ``legacy_v1`` / ``--legacy-v1``.

Expected answers are UIDOperatorVerticle at 3b175ce1 (the commit before PR #1871 removed
v1): ``handleTokenGenerateV1``, ``handleTokenRefreshV1``, ``handleTokenValidateV1``,
``getTokenInputV1``, ``toJsonV1``; ``ResponseUtil.Success`` / ``SuccessNoBody``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from uid2_client import BidstreamClient, DecryptionStatus

from tests.operator.fidelity.loopback import Loopback, assert_client_error, assert_json_error
from tests.operator.support import bearer
from uid2_desk.operator import Lifetimes, LocalOperator, OperatorServer
from uid2_desk.protocol.tokens import (
    INNER_REFRESH_TOKEN_LENGTH,
    REFRESH_TOKEN_WRAPPER_LENGTH,
    decrypt_refresh_token,
    encrypt_refresh_token,
)

START_TIMEOUT_S = 30.0
GENERATE = "/v1/token/generate"
REFRESH = "/v1/token/refresh"
VALIDATE = "/v1/token/validate"
V1_BODY_KEYS = [
    "advertising_token",
    "refresh_token",
    "identity_expires",
    "refresh_expires",
    "refresh_from",
]


@pytest.fixture
def legacy(tmp_path: Path) -> Iterator[Loopback]:
    """An operator opened with ``legacy_v1`` on a loopback port."""
    operator = LocalOperator.open(tmp_path / "legacy", lifetimes=Lifetimes.local(), legacy_v1=True)
    server = OperatorServer(operator)
    server.start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            yield Loopback(client, operator, server.base_url)
    finally:
        server.stop()
        operator.close()


def _generate(legacy: Loopback, **params: str) -> dict[str, Any]:
    response = legacy.client.get(GENERATE, params=params, headers=bearer(legacy.publisher))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    return document


def test_without_the_option_v1_is_a_404_as_on_every_operator_today(loopback: Loopback) -> None:
    """PR #1871 removed the v1 routes; the router answers 404."""
    response = loopback.client.get(
        GENERATE, params={"email": "jane@example.com"}, headers=bearer(loopback.publisher)
    )

    assert response.status_code == 404


def test_v1_generate_answers_plain_json_with_the_raw_inner_refresh_token(legacy: Loopback) -> None:
    """toJsonV1: five fields, no refresh_response_key; the refresh token is the inner one."""
    document = _generate(legacy, email="jane@example.com")

    assert document["status"] == "success"
    assert list(document["body"]) == V1_BODY_KEYS
    assert len(document["body"]["refresh_token"]) == INNER_REFRESH_TOKEN_LENGTH
    dsp = legacy.operator.credentials.dsp
    bidstream = BidstreamClient(legacy.base_url, dsp.api_key, dsp.secret)
    assert bidstream.refresh().success
    decrypted = bidstream.decrypt_token_into_raw_uid(document["body"]["advertising_token"], None)
    assert decrypted.status is DecryptionStatus.SUCCESS


def test_v1_generate_ignores_optouts_and_their_refresh_answers_optout(legacy: Loopback) -> None:
    """OptoutCheckPolicy.defaultPolicy() is DoNotRespect; refresh checks the opt-out store."""
    legacy.operator.admin.opt_out("email", "gone@example.com")
    for email in ("optout@example.com", "gone@example.com"):
        document = _generate(legacy, email=email)
        token = document["body"]["refresh_token"]

        refreshed = legacy.client.get(REFRESH, params={"refresh_token": token})

        assert document["status"] == "success"
        assert refreshed.status_code == 200
        assert refreshed.content == b'{"status":"optout"}'


def test_v1_refresh_gives_new_raw_tokens_and_accepts_a_v2_wrapper(legacy: Loopback) -> None:
    """handleTokenRefreshV1: a 388-character token (from the v1 JS SDK) is unwrapped first."""
    first = _generate(legacy, email="jane@example.com")["body"]
    v2 = legacy.call("/v2/token/generate", {"email": "jane@example.com"})["body"]

    for token in (first["refresh_token"], v2["refresh_token"]):
        response = legacy.client.get(REFRESH, params={"refresh_token": token})
        assert response.status_code == 200
        body = response.json()["body"]
        assert list(body) == V1_BODY_KEYS
        assert len(body["refresh_token"]) == INNER_REFRESH_TOKEN_LENGTH


def test_v1_error_texts(legacy: Loopback) -> None:
    """getTokenInputV1 / isTokenInputValid, handleTokenRefreshV1's messages, AuthMiddleware 401.

    An invalid refresh token is echoed after "Invalid Token presented " (v2 stopped that).
    """
    auth = bearer(legacy.publisher)
    get = legacy.client.get

    assert_client_error(
        get(GENERATE, headers=auth),
        "Required Parameter Missing: exactly one of [email, email_hash, phone, phone_hash] "
        "must be specified",
    )
    assert_client_error(
        get(GENERATE, params={"email": "not-an-email"}, headers=auth), "Invalid Identifier"
    )
    assert get(GENERATE, params={"email": "jane@example.com"}).json() == {"status": "unauthorized"}
    assert_client_error(get(REFRESH, headers=auth), "Required Parameter Missing: refresh_token")
    assert_json_error(
        get(REFRESH, params={"refresh_token": "garbage"}, headers=auth),
        400,
        "invalid_token",
        "Invalid Token presented garbage",
    )
    assert_json_error(
        get(REFRESH, params={"refresh_token": "garbage"}), 400, "error", "Error refreshing token"
    )


def test_a_v1_wrapper_that_does_not_open_gets_the_v2_unwrapping_message(legacy: Loopback) -> None:
    """A 388-character token is unwrapped as v2 would: its 400 message, with or without auth."""
    not_base64 = "!" * REFRESH_TOKEN_WRAPPER_LENGTH
    for headers in ({}, bearer(legacy.publisher)):
        response = legacy.client.get(REFRESH, params={"refresh_token": not_base64}, headers=headers)

        assert_client_error(response, "Invalid body: Body is not valid base64.")


def test_a_bare_token_that_makes_the_decoder_throw_is_an_unknown_error_in_v1(
    legacy: Loopback,
) -> None:
    """One decoded byte: ``getByte(1)`` reads past the end, the handler's catch answers 500."""
    for headers in ({}, bearer(legacy.publisher)):
        response = legacy.client.get(REFRESH, params={"refresh_token": "AA=="}, headers=headers)

        assert_json_error(response, 500, "unknown", "Unknown error while refreshing token")


def test_a_v1_refresh_for_a_site_without_keys_is_unknown_state_or_an_error(
    legacy: Loopback,
) -> None:
    """NoActiveKey had no v1 branch: "Unknown State" when authenticated, else the generic 400."""
    inner = _generate(legacy, email="jane@example.com")["body"]["refresh_token"]
    keys = {key.id: key for key in legacy.operator.admin.all_keys()}
    contents = decrypt_refresh_token(inner, keys.get)
    moved = dataclasses.replace(
        contents, publisher=dataclasses.replace(contents.publisher, site_id=4242)
    )
    token = encrypt_refresh_token(moved, keys[contents.refresh_key_id])
    get = legacy.client.get

    assert_json_error(
        get(REFRESH, params={"refresh_token": token}, headers=bearer(legacy.publisher)),
        500,
        "unknown",
        "Unknown State",
    )
    assert_json_error(
        get(REFRESH, params={"refresh_token": token}), 400, "error", "Error refreshing token"
    )


def test_an_expired_v1_refresh_token_is_named_so_only_to_an_authenticated_caller(
    legacy: Loopback,
) -> None:
    token = _generate(legacy, email="jane@example.com")["body"]["refresh_token"]
    legacy.operator.admin.set_clock_offset(legacy.operator.lifetimes.refresh_ms + 1000)
    get = legacy.client.get

    assert_json_error(
        get(REFRESH, params={"refresh_token": token}, headers=bearer(legacy.publisher)),
        400,
        "expired_token",
        "Expired Token presented",
    )
    assert_json_error(
        get(REFRESH, params={"refresh_token": token}), 400, "error", "Error refreshing token"
    )


def test_v1_validate_without_an_identifier_says_which_parameters_it_needs(
    legacy: Loopback,
) -> None:
    response = legacy.client.get(VALIDATE, params={"token": "anything"})

    assert_client_error(
        response,
        "Required Parameter Missing: exactly one of [email, email_hash, phone, phone_hash] "
        "must be specified",
    )


def test_v1_validate_is_true_only_for_the_validate_identitys_own_token(legacy: Loopback) -> None:
    """handleTokenValidateV1: no auth; ``advertisingTokenMatches`` only for validate@example.com."""
    own = _generate(legacy, email="validate@example.com")["body"]["advertising_token"]
    other = _generate(legacy, email="jane@example.com")["body"]["advertising_token"]

    def validate(token: str, email: str) -> object:
        response = legacy.client.get(VALIDATE, params={"token": token, "email": email})
        assert response.status_code == 200
        return json.loads(response.content)

    assert validate(own, "validate@example.com") == {"body": True, "status": "success"}
    assert validate(other, "validate@example.com") == {"body": False, "status": "success"}
    assert validate(other, "jane@example.com") == {"body": False, "status": "success"}
    assert validate("not-a-token", "validate@example.com") == {"body": False, "status": "success"}


def test_the_command_line_serves_v1_with_legacy_v1(tmp_path: Path) -> None:
    """``uid2-desk operator --legacy-v1`` says so when it starts, and answers v1 generate."""
    creds_path = tmp_path / "creds.json"
    command = [sys.executable, "-m", "uid2_desk", "operator", "--port", "0", "--legacy-v1"]
    command += ["--credentials-out", str(creds_path), "--data-dir", str(tmp_path / "d")]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as proc:
        try:
            # The credentials file is written just before "listening" is printed.
            deadline = time.monotonic() + START_TIMEOUT_S
            while not creds_path.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            creds = json.loads(creds_path.read_text())
            response = httpx.get(
                f"{creds['base_url']}{GENERATE}",
                params={"email": "cli@example.com"},
                headers=bearer(creds["publisher"]["api_key"]),
            )
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()

    assert proc.returncode == 0
    assert "legacy v1: GET /v1/token/generate, /v1/token/refresh, /v1/token/validate" in out
    assert response.status_code == 200
    assert response.json()["status"] == "success"
