"""A real third-party client: Prebid.js's uid2 module, in headless Chromium, against our operator.

The page is served from ``http://localhost:<port>`` and configures Prebid's User ID module
with the operator's CSTG credentials (``serverPublicKey``, ``subscriptionId``) and an email:
Prebid hashes the email, seals it with Web Crypto (ECDH P-256, AES-GCM) and posts it to
``/v2/token/client-generate`` on the operator's own loopback port (cross-origin, so CORS
is real); then ``pbjs.refreshUserIds()`` past ``refresh_from`` refreshes the token through
``/v2/token/refresh``. Nothing in between is ours: Prebid built from npm, Chromium from
Debian.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page
from uid2_client import IdentityMapClient, IdentityMapInput

from tests.web.conftest import PageServer
from uid2_desk.operator import Lifetimes, LocalOperator, OperatorServer
from uid2_desk.protocol.normalize import hash_identifier
from uid2_desk.protocol.tokens import decrypt_advertising_token, key_lookup

STORAGE_KEY = "__uid2_advertising_token"  # where Prebid's uid2 module keeps its tokens
EMAIL = "Jane.Doe@Example.com"
DII_HASH = hash_identifier("jane.doe@example.com")
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>CSTG with Prebid.js</title>
<script>
  window.pbjs = window.pbjs || {{}};
  pbjs.que = pbjs.que || [];
  pbjs.que.push(function () {{
    pbjs.setConfig({{
      debug: true,
      userSync: {{ auctionDelay: 500, userIds: [{{ name: "uid2", params: {params} }}] }}
    }});
  }});
</script>
<script src="/prebid-uid2.js"></script>
</head><body>CSTG with Prebid.js</body></html>
"""
STORED_TOKEN_JS = f"""() => {{
  const stored = JSON.parse(localStorage.getItem("{STORAGE_KEY}") || "null");
  return stored && stored.latestToken && stored.latestToken.advertising_token
    ? stored.latestToken : null;
}}"""


def _stored_token(page: Page, other_than: str | None = None) -> dict[str, Any]:
    """Prebid's latest stored identity, once there is one (different from ``other_than``)."""
    script = f"""() => {{
      const token = ({STORED_TOKEN_JS})();
      return token && token.advertising_token !== {json.dumps(other_than)} ? token : null;
    }}"""
    token: dict[str, Any] = page.wait_for_function(script, timeout=10_000).json_value()
    return token


def test_prebid_generates_a_token_client_side_and_refreshes_it(
    chromium: Browser, page_server: PageServer, tmp_path: Path
) -> None:
    lifetimes = Lifetimes.local().with_overrides(refresh_from_s=1)
    with LocalOperator.open(tmp_path / "operator", lifetimes=lifetimes) as operator:
        server = OperatorServer(operator)
        base_url = server.start()
        settings = operator.cstg.settings
        params = {
            "uid2ApiBase": base_url,
            "email": EMAIL,
            "serverPublicKey": settings.server_public_key,
            "subscriptionId": settings.subscription_id,
        }
        page_server.pages["/"] = PAGE.format(params=json.dumps(params)).encode()
        context = chromium.new_context()
        console: list[str] = []
        try:
            page = context.new_page()
            page.on("console", lambda message: console.append(message.text))
            page.goto(page_server.origin + "/")
            try:
                generated = _stored_token(page)
                seen_by_prebid = page.evaluate("() => pbjs.getUserIds().uid2.id")
                # Prebid refreshes once refresh_from has passed, when asked for the ids.
                time.sleep(max(0.0, generated["refresh_from"] / 1000 - time.time()) + 0.2)
                page.evaluate("() => { pbjs.refreshUserIds(); }")
                refreshed = _stored_token(page, other_than=generated["advertising_token"])
            except Exception as exc:
                raise AssertionError(f"Prebid said: {console[-15:]}") from exc
            served = [(r.path, r.status, r.http_status) for r in operator.admin.served_requests()]
            keys = key_lookup(operator.admin.all_keys())
            publisher = operator.credentials.publisher
            mapper = IdentityMapClient(base_url, publisher.api_key, publisher.secret)
            mapped = mapper.generate_identity_map(IdentityMapInput.from_hashed_emails([DII_HASH]))
        finally:
            context.close()
            server.stop()

    raw_uid = mapped.mapped_identities[DII_HASH].get_raw_uid()
    assert seen_by_prebid == generated["advertising_token"]
    assert ("/v2/token/client-generate", "success", 200) in served
    assert ("/v2/token/refresh", "success", 200) in served
    for identity in (generated, refreshed):
        token = decrypt_advertising_token(identity["advertising_token"], keys)
        assert token.privacy_bits == 3
        assert token.publisher.site_id == settings.site_id
        # Prebid normalised and hashed the email as the operator does.
        assert base64.b64encode(token.raw_uid).decode() == raw_uid
