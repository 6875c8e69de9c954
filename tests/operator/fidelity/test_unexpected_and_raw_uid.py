"""Per-endpoint failure replies, the v2 raw UID, and texts not covered elsewhere (issue 15,
differences 9, 10 and 13)."""

from __future__ import annotations

import base64

from uid2_client import BidstreamClient, DecryptionStatus, IdentityMapClient, IdentityMapInput

from tests.operator.fidelity.loopback import Loopback, assert_client_error, assert_json_error
from tests.operator.support import bearer
from uid2_desk.protocol.normalize import hash_identifier

GENERATE = "/v2/token/generate"
VALIDATE = "/v2/token/validate"
STATUS = "/v2/optout/status"


def test_a_handler_that_throws_answers_with_its_own_message(loopback: Loopback) -> None:
    """UIDOperatorVerticle: each ``catch (Exception e)`` names its endpoint.

    - refresh: a bare token of one byte makes ``decodeRefreshToken`` read past its end
      (``b.getByte(1)``), caught in handleTokenRefreshV2;
    - v2 map: ``InputUtil.normalizeEmail(null)`` for a null item, caught in handleIdentityMapV2;
    - opt-out status: ``getJsonArray`` of a string, caught in handleOptoutStatus.
    """
    refresh = loopback.client.post("/v2/token/refresh", content=b"AA")
    mapped, _ = loopback.post_sealed("/v2/identity/map", {"email": [None]})
    status, _ = loopback.post_sealed(STATUS, {"advertising_ids": "not-a-list"})

    assert_json_error(refresh, 500, "unknown", "Unknown error while refreshing token v2")
    assert_json_error(mapped, 500, "unknown", "Unknown error while mapping identity v2")
    assert_json_error(status, 500, "unknown", "Unknown error while getting optout status")


def test_a_handler_without_a_catch_block_gets_vertxs_plain_500(loopback: Loopback) -> None:
    """UIDOperatorVerticle.handleBucketsV2 has no catch: a missing payload throws, and
    GenericFailureHandler ends the response with the reason phrase."""
    response, _ = loopback.post_sealed("/v2/identity/buckets", None)

    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    assert "content-type" not in response.headers


def test_raw_uids_are_v2_and_the_official_sdk_still_decrypts_our_tokens(loopback: Loopback) -> None:
    """service/TokenUtils.getAdvertisingIdV2 (``identity_v3`` off in every conf/*.json).

    The raw UID is SHA-256(base64(first-level hash) ‖ bucket salt): 32 bytes, no metadata
    byte, so the v4 advertising token is 218 characters. uid2-client 2.9.0 decrypts it to
    the raw UID that identity map returns for the same DII.
    """
    creds = loopback.publisher
    token = loopback.call(GENERATE, {"email": "raw@example.com"})["body"]["advertising_token"]
    bidstream = BidstreamClient(
        loopback.base_url,
        loopback.operator.credentials.dsp.api_key,
        loopback.operator.credentials.dsp.secret,
    )
    assert bidstream.refresh().success

    decrypted = bidstream.decrypt_token_into_raw_uid(token, None)
    mapper = IdentityMapClient(loopback.base_url, creds.api_key, creds.secret)
    mapped = mapper.generate_identity_map(IdentityMapInput.from_emails(["raw@example.com"]))

    assert decrypted.status is DecryptionStatus.SUCCESS
    assert len(base64.b64decode(decrypted.uid)) == 32
    assert decrypted.uid == mapped.mapped_identities["raw@example.com"].get_raw_uid()
    assert len(token) == 218


def test_validate_and_optout_status_texts_are_the_operators(loopback: Loopback) -> None:
    """UIDOperatorVerticle.handleTokenValidateV2 and parseOptoutStatusRequestPayload.

    A missing token fails to decode (``validateAdvertisingToken`` catches it): "Invalid
    token"; no ``advertising_ids`` and more than 5000 of them (``optout_status_max_request_size``)
    have their own messages.
    """
    email_hash = hash_identifier("validate@example.com")
    no_token, _ = loopback.post_sealed(VALIDATE, {"email_hash": email_hash})
    no_ids, _ = loopback.post_sealed(STATUS, {})
    too_many, _ = loopback.post_sealed(STATUS, {"advertising_ids": ["x"] * 5001})

    assert_client_error(no_token, "Invalid token")
    assert_client_error(no_ids, "Required Parameter Missing: advertising_ids")
    assert_client_error(too_many, "Request payload is too large")
    unauthenticated = loopback.client.post(VALIDATE, content=b"x", headers=bearer("nope"))
    assert unauthenticated.status_code == 401
