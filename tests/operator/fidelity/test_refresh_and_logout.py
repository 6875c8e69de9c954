"""Refresh and logout replies (issue 15, differences 2, 3, 8 and the octet-stream refresh of 11)."""

from __future__ import annotations

import base64
import re

from tests.operator.fidelity.loopback import Loopback, assert_json_error
from tests.operator.support import bearer, open_refresh
from uid2_desk.protocol.envelope import open_refresh_reply

REFRESH = "/v2/token/refresh"
LOGOUT = "/v2/token/logout"
GENERATE = "/v2/token/generate"
HOUR_MS = 3_600_000


def test_an_empty_refresh_is_an_invalid_token_for_a_client_and_an_error_for_a_browser(
    loopback: Loopback,
) -> None:
    """UIDOperatorVerticle.handleTokenRefreshV2; UIDOperatorVerticleTest.tokenRefreshNoToken.

    An empty body decodes to no token (``EncryptedTokenEncoder.decodeRefreshToken``: "Invalid
    refresh token version"); only an authenticated caller learns it is ``invalid_token``.
    """
    authenticated = loopback.client.post(REFRESH, content=b"", headers=bearer(loopback.publisher))
    anonymous = loopback.client.post(REFRESH, content=b"")

    assert_json_error(authenticated, 400, "invalid_token", "Invalid Token presented")
    assert_json_error(anonymous, 400, "error", "Error refreshing token")


def test_logout_without_a_usable_identifier_is_an_invalid_token(loopback: Loopback) -> None:
    """UIDOperatorVerticle.handleLogoutAsyncV2: ``"Invalid Token presented " + input``.

    With no identifier (or two) the input is ``null``; with an invalid one it is the
    ``InputUtil.InputVal`` object, which has no ``toString()``: Java prints class@hash.
    """
    missing, _ = loopback.post_sealed(LOGOUT, {})
    two, _ = loopback.post_sealed(LOGOUT, {"email": "a@example.com", "phone": "+12345678901"})
    invalid, _ = loopback.post_sealed(LOGOUT, {"email": "not an email"})

    assert_json_error(missing, 400, "invalid_token", "Invalid Token presented null")
    assert_json_error(two, 400, "invalid_token", "Invalid Token presented null")
    assert invalid.status_code == 400
    assert invalid.json()["status"] == "invalid_token"
    assert re.fullmatch(
        r"Invalid Token presented com\.uid2\.operator\.service\.InputUtil\$InputVal@[0-9a-f]+",
        invalid.json()["message"],
    )


def test_any_stored_optout_refuses_a_refresh_whenever_the_identity_was_established(
    loopback: Loopback,
) -> None:
    """UIDOperatorService.refreshIdentity: opted out if the store has any entry, no times compared.

    The identity is established *after* the opt-out (recorded an hour back on the operator's
    clock); the refresh is still ``optout``.
    """
    identity = loopback.call(GENERATE, {"email": "late@example.com"})["body"]
    admin = loopback.operator.admin
    admin.set_clock_offset(-HOUR_MS)
    recorded = admin.opt_out("email", "late@example.com")
    admin.set_clock_offset(0)
    assert (
        recorded.optout_ms < identity["identity_expires"] - loopback.operator.lifetimes.identity_ms
    )

    response = loopback.client.post(REFRESH, content=identity["refresh_token"])

    assert open_refresh(response, identity["refresh_response_key"]) == {"status": "optout"}


def test_a_refresh_sent_as_octet_stream_gets_raw_bytes_back(loopback: Loopback) -> None:
    """V2PayloadHandler.handleTokenRefresh → writeResponseBody: binary in, binary out."""
    identity = loopback.call(GENERATE, {"email": "binary@example.com"})["body"]

    response = loopback.client.post(
        REFRESH,
        content=identity["refresh_token"],
        headers={"Content-Type": "application/octet-stream"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    key = base64.b64decode(identity["refresh_response_key"])
    payload, _ = open_refresh_reply(key, response.content)
    assert b'"status":"success"' in payload
