"""The explanation table: every operator refusal a client can meet, in words a QA engineer acts on.

Inputs are replies as the operator sends them (status, UID2 status, message); the table must
name the cause and the fix, and stay silent on a plain success.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from uid2_desk.protocol.capture import CapturedClient, lane_label
from uid2_desk.protocol.exchange import Exchange, Timings
from uid2_desk.protocol.explain import explain


def _reply(
    path: str,
    http: int | None,
    document: dict[str, object] | None = None,
    body: bytes = b"sent",
    **extra: str,
) -> Exchange:
    text = json.dumps(document) if document is not None else None
    status = document.get("status") if document else None
    return Exchange(
        endpoint=path,
        url=f"http://127.0.0.1:8080{path}",
        started_ms=0,
        timings=Timings(total_ms=1.0),
        http_status=http,
        request_body=body,
        response_plaintext=text,
        operator_status=status if isinstance(status, str) else None,
        extra=tuple(extra.items()),
    )


def _error(path: str, http: int, status: str, message: str) -> Exchange:
    return _reply(path, http, {"message": message, "status": status})


#: (reply, code, words of the cause): every row of the table, from a reply the operator sends.
_CASES = [
        (_error("/v2/token/generate", 400, "client_error", "Invalid body: Body is missing."),
         "body_missing", "empty body"),
        (_error("/v2/token/generate", 400, "client_error",
                "Invalid body: Body too short. Check encryption method."),
         "envelope_too_short", "too short"),
        (_error("/v2/token/generate", 400, "client_error",
                "Invalid body: Invalid request envelope format version: received 200, must be 1."),
         "envelope_version", "first byte is not 1"),
        (_error("/v2/token/generate", 400, "client_error",
                "Invalid payload in body: Data is not valid json string."),
         "payload_not_json", "not a JSON object"),
        (_error("/v2/token/generate", 400, "client_error",
                "Required Parameter Missing: exactly one of [email, email_hash, phone, "
                "phone_hash] must be specified"),
         "identifier_count", "exactly one"),
        (_error("/v2/token/generate", 400, "client_error", "Invalid Identifier"),
         "invalid_identifier", "not a valid email"),
        (_reply("/v2/token/refresh", 200, {"status": "optout"}), "optout", "opted out"),
        (_error("/v2/token/refresh", 400, "expired_token", "Expired Token presented"),
         "refresh_expired", "past refresh_expires"),
        (_error("/v2/token/refresh", 400, "invalid_token", "Invalid Token presented"),
         "refresh_token_foreign", "another environment"),
        (_reply("/v2/token/refresh", 400,
                {"message": "Invalid Token presented", "status": "invalid_token"}, body=b""),
         "refresh_empty", "empty body"),
        (_reply("/v1/token/generate", 200, {"status": "success", "body": {}}),
         "legacy_endpoint", "only because the desk's operator runs with --legacy-v1"),
        (_reply("/v2/identity/map", 200, {"status": "success", "body": {}}),
         "deprecated_endpoint", "deprecated since 2026-09-30"),
        (_reply("/v2/identity/buckets", 200, {"status": "success", "body": []}),
         "deprecated_endpoint", "deprecated since 2026-09-30"),
        (_reply("/v2/token/generate", 503), "unavailable", "503"),
        (_reply("/v2/token/generate", 413), "too_large", "1 MiB"),
        (_reply("/v2/token/generatee", 404), "unknown_path", "no endpoint /v2/token/generatee"),
        (_reply("/v0/token/generate", 404), "legacy_endpoint", "v0 endpoint"),
        (_reply("/v2/token/client-generate", 401, {"status": "unauthorized"}),
         "cstg_keypair", "subscription id or the server public key"),
        (_error("/v2/token/client-generate", 403, "invalid_http_origin",
                "unexpected http origin"),
         "cstg_origin", "unexpected http origin"),
        (_error("/v2/token/generate", 500, "unknown", "Unknown error while generating token v2"),
         "server_error", "Unknown error while generating token v2"),
        (_reply("/v2/token/generate", 401, {"status": "unauthorized"}, auth="no_key"),
         "no_api_key", "no API key"),
        (_reply("/v2/identity/map", 401, {"status": "unauthorized"},
                auth="missing_role:MAPPER"),
         "missing_role", "lacks the MAPPER role"),
        (_reply("/v2/token/generate", 401, {"status": "unauthorized"}, auth="unknown_key"),
         "unknown_api_key", "unknown or revoked"),
        (_error("/v2/token/generate", 400, "client_error",
                "Invalid body: The request body is unencrypted JSON. It must be an encrypted "
                "request envelope."),
         "unencrypted_json", "plain JSON"),
        (_error("/v2/token/generate", 400, "client_error",
                "Invalid body: Body is not valid base64."),
         "not_base64", "not base64"),
        (_error("/v2/token/generate", 400, "client_error",
                "Invalid body: Check encryption key (ClientSecret)."),
         "wrong_secret", "client secret"),
        (_reply("/v2/token/generate", 400, {"status": "client_error",
                "message": "Invalid timestamp: Request too old or client time drift."},
                envelope_skew_ms="-75250"),
         "timestamp_window", "75.2 s behind the operator's clock"),
        (_error("/v2/token/refresh", 400, "client_error",
                "Invalid key: Generator of this token (Key ID: 0) does not exist."),
         "refresh_token_unknown_key", "not a refresh token at all"),
        (_error("/v2/token/refresh", 400, "error", "Error refreshing token"),
         "refresh_token_unreadable", "not a refresh token the operator can read"),
]  # fmt: skip
#: The full words of each case's explanation, as a QA engineer reads them (reviewed text).
_WORDS = Path(__file__).with_name("explanations.json")


@pytest.mark.parametrize(("exchange", "code", "words"), _CASES)
def test_each_refusal_has_its_cause_and_a_fix(exchange: Exchange, code: str, words: str) -> None:
    explanation = explain(exchange)
    assert explanation is not None
    assert explanation.code == code
    assert words in explanation.cause
    assert explanation.fix


def test_a_success_needs_no_explanation() -> None:
    assert explain(_reply("/v2/token/generate", 200, {"status": "success", "body": {}})) is None


def test_a_clock_in_the_future_is_said_to_be_ahead() -> None:
    old = _error(
        "/v2/token/generate",
        400,
        "client_error",
        "Invalid timestamp: Request too old or client time drift.",
    )
    ahead = Exchange(**{**old.__dict__, "extra": (("envelope_skew_ms", "125400"),)})
    explanation = explain(ahead)
    assert explanation is not None
    assert "125.4 s ahead of the operator's clock" in explanation.cause


@pytest.mark.parametrize(
    ("client", "label"),
    [
        (CapturedClient(role="publisher"), "Your backend"),
        (CapturedClient(role="dsp"), "Your buyer (DSP)"),
        (CapturedClient(client_version="PrebidJS-11.36.0-UID2Module-1.1"),
         "Browser: Prebid.js 11.36"),
        (CapturedClient(role="cstg", client_version="uid2-sdk-3.4.0", origin="https://news.example"),
         "Browser: UID2 SDK 3.4"),
        (CapturedClient(role="cstg", app_name="com.example.tvapp"), "App com.example.tvapp"),
        (CapturedClient(role="cstg", origin="http://localhost:8000"), "Page http://localhost:8000"),
        (CapturedClient(origin="https://news.example"), "Browser at https://news.example"),
        (CapturedClient(), "Unknown client"),
    ],
)  # fmt: skip
def test_each_client_gets_a_lane_named_for_what_it_is(client: CapturedClient, label: str) -> None:
    assert lane_label(client) == label


def test_every_explanation_reads_as_written() -> None:
    """The causes and fixes are the desk's words to a QA engineer: a changed word shows here.

    After a deliberate change of wording, review the new text in ``explanations.json``.
    """
    said = []
    for exchange, _, _ in _CASES:
        explanation = explain(exchange)
        assert explanation is not None
        said.append([explanation.code, explanation.cause, explanation.fix])
    assert said == json.loads(_WORDS.read_text(encoding="utf-8"))


def test_an_error_reply_is_read_from_its_body_when_no_plaintext_was_kept() -> None:
    # A proxy or a failed open keeps only the bytes on the wire; a JSON error still explains,
    # even with bytes that are not UTF-8 in it.
    body = b'{"message":"Required Parameter Missing: exactly one of [email] \xff","status":"x"}'
    exchange = dataclasses.replace(
        _reply("/v2/token/generate", 400, body=b"sent"), response_body=body
    )
    explanation = explain(exchange)
    assert explanation is not None
    assert explanation.code == "identifier_count"


def test_a_reply_that_is_not_json_is_matched_by_its_text() -> None:
    exchange = dataclasses.replace(
        _reply("/v2/token/generate", 500), response_plaintext="upstream connect error"
    )
    explanation = explain(exchange)
    assert explanation is not None
    assert explanation.cause == "The operator failed: upstream connect error."


def _wire_only(http: int, body: bytes) -> Exchange:
    """A reply of which only the bytes on the wire were kept (a proxy, a failed open)."""
    return dataclasses.replace(_reply("/v2/token/generate", http), response_body=body)


def test_a_json_error_kept_only_as_bytes_is_explained_by_its_message_field() -> None:
    body = b'{"status":"unknown","message":"Unknown error while generating token v2"}'
    explanation = explain(_wire_only(500, body))
    assert explanation is not None
    assert explanation.cause == "The operator failed: Unknown error while generating token v2."


def test_a_plain_text_error_body_is_quoted_with_undecodable_bytes_replaced() -> None:
    explanation = explain(_wire_only(502, b"upstream connect error \xff"))
    assert explanation is not None
    assert explanation.cause == "The operator failed: upstream connect error \ufffd."


@pytest.mark.parametrize(
    "plaintext",
    ['{"status": "unknown"}', '{"status": "unknown", "message": 42}'],
)  # fmt: skip
def test_a_json_reply_without_a_text_message_field_is_explained_by_its_status(
    plaintext: str,
) -> None:
    exchange = dataclasses.replace(_reply("/v2/token/generate", 500), response_plaintext=plaintext)
    explanation = explain(exchange)
    assert explanation is not None
    assert explanation.cause == "The operator failed: HTTP 500."


@pytest.mark.parametrize("body", ['"upstream request timeout"', '["not", "an", "object"]'])
def test_a_json_reply_that_is_not_an_object_reads_the_same_as_text_or_as_wire_bytes(
    body: str,
) -> None:
    # The desk's client keeps a failed reply as text; a proxy keeps only the wire bytes.
    as_text = dataclasses.replace(_reply("/v2/token/generate", 502), response_plaintext=body)
    as_bytes = _wire_only(502, body.encode())
    explained = [explain(as_text), explain(as_bytes)]
    assert [e.cause if e else None for e in explained] == [f"The operator failed: {body}."] * 2


def test_a_gateway_body_that_is_not_a_json_object_is_quoted_as_it_came() -> None:
    # Only a body that opens with "{" is read as the operator's JSON error; anything else on
    # the wire (a gateway's own reply) is the most a QA engineer has to go on.
    explanation = explain(_wire_only(502, b'"upstream request timeout"'))
    assert explanation is not None
    assert explanation.cause == 'The operator failed: "upstream request timeout".'


@pytest.mark.parametrize(
    "path", ["/v2/token/client-generate", "/v2/token/refresh", "/v2/token/validate"]
)
def test_a_success_on_any_endpoint_needs_no_explanation(path: str) -> None:
    assert explain(_reply(path, 200, {"status": "success", "body": {}})) is None


def test_a_refused_origin_with_no_message_says_there_was_none() -> None:
    explanation = explain(_reply("/v2/token/client-generate", 403, {"status": "unauthorized"}))
    assert explanation is not None
    assert explanation.cause == (
        "The operator refused the page's origin or the app's name: no message."
    )


def test_a_timestamp_refusal_with_no_measured_skew_says_only_the_window() -> None:
    refused = _error(
        "/v2/token/generate",
        400,
        "client_error",
        "Invalid timestamp: Request too old or client time drift.",
    )
    explanation = explain(refused)
    assert explanation is not None
    assert explanation.cause == "The envelope's timestamp is outside the operator's window."


def test_an_envelope_a_millisecond_ahead_is_said_to_be_ahead() -> None:
    # A proxy measures the skew on its own clock: the operator behind it may still refuse.
    refused = _reply(
        "/v2/token/generate",
        400,
        {"status": "client_error", "message": "Invalid timestamp: Request too old or client "
         "time drift."},
        envelope_skew_ms="1",
    )  # fmt: skip
    explanation = explain(refused)
    assert explanation is not None
    assert explanation.cause.endswith("The envelope was 0.0 s ahead of the operator's clock.")


def test_an_envelope_in_step_with_the_measuring_clock_puts_the_blame_on_the_operator_s_clock() -> (
    None
):
    # Through the proxy a client in step with the proxy's clock (skew 0) can still be refused:
    # "0.0 s behind" would blame the client for the operator's clock.
    refused = _reply(
        "/v2/token/generate",
        400,
        {"status": "client_error", "message": "Invalid timestamp: Request too old or client "
         "time drift."},
        envelope_skew_ms="0",
    )  # fmt: skip
    explanation = explain(refused)
    assert explanation is not None
    assert "behind" not in explanation.cause
    assert explanation.cause.endswith(
        "The envelope's time matched the clock it was measured against: if the operator still "
        "refuses it, the operator's own clock is off."
    )


def test_a_legacy_endpoint_with_no_listed_replacement_points_to_the_matching_v2_one() -> None:
    explanation = explain(_reply("/v1/optout/status", 404))
    assert explanation is not None
    assert explanation.fix == (
        "Call the matching /v2 endpoint with an encrypted request envelope "
        "(https://unifiedid.com/docs/getting-started/gs-encryption-decryption)."
    )


def test_the_reply_text_kept_wins_over_the_bytes_on_the_wire() -> None:
    # A decrypted reply's text is what the operator said; the wire bytes are only a fallback.
    exchange = dataclasses.replace(
        _reply("/v2/token/generate", 400),
        response_plaintext='{"status": "client_error", "message": "Invalid Identifier"}',
        response_body=b'{"status": "client_error", "message": "something else"}',
    )
    explanation = explain(exchange)
    assert explanation is not None
    assert explanation.code == "invalid_identifier"
