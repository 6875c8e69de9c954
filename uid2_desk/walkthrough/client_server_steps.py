"""The client-server guide's lanes and steps (UID2 SDK for JavaScript), in plain words.

The publisher's server generates the identity (1-d, 1-e) and hands it to the page (1-f);
the browser's UID2 client takes it and tells the page (1-g), refreshes it with the operator
on its own (3-a, 3-b) and clears it at logout (4-a, 4-b). The numbers overlap the
server-only guide's with other meanings, so arrows drawn for this guide say so
(``Arrow.client_server``) and find their captions here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from uid2_desk.walkthrough.steps import Lane, Step

#: The lane titles of this guide, left to right.
LANE_TITLES: Mapping[Lane, str] = MappingProxyType(
    {
        Lane.DEVICE: "Browser: UID2 client",
        Lane.PUBLISHER: "Publisher server",
        Lane.OPERATOR: "UID2 operator",
        Lane.SSP: "SSP",
    }
)

_B, _P, _O, _S = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR, Lane.SSP

CLIENT_SERVER_STEPS: tuple[Step, ...] = (
    Step("1-d", "Generate (server)", _P, _O,
         "The publisher's server sends the user's DII, encrypted, to /v2/token/generate: "
         "only the server holds the API key and client secret."),
    Step("1-e", "Identity returned", _O, _P,
         "The operator answers with the identity: advertising token, refresh token, their "
         "expiry times and the refresh_response_key the browser will need."),
    Step("1-f", "Identity to the page", _P, _B,
         "The server hands the identity to the page: __uid2.init({identity, baseUrl}) for the "
         "UID2 SDK for JavaScript, or Prebid's uid2Token. From now on the browser owns it."),
    Step("1-g", "Client reports", _B, _B,
         "The browser's UID2 client checks and stores the identity and calls the page back "
         "with the advertising token (or says it has none)."),
    Step("2-a", "Token to the SSP", _B, _S,
         "The page (or Prebid) puts the advertising token in the ad request to the SSP."),
    Step("3-a", "Refresh (browser)", _B, _O,
         "The browser's UID2 client refreshes in the background once refresh_from has passed: "
         "it POSTs the refresh token to /v2/token/refresh, straight from the page (CORS)."),
    Step("3-b", "New identity (or opt-out)", _O, _B,
         "The operator answers, encrypted with the refresh_response_key the browser holds: a "
         "new identity, which the client stores, or optout, and the client clears it."),
    Step("4-a", "Logout", _B, _P,
         "The user logs out of the publisher's site."),
    Step("4-b", "Identity cleared", _P, _B,
         "The page calls __uid2.disconnect() (Prebid: its storage is cleared): the browser "
         "forgets the identity, and no ad request carries it any more."),
)  # fmt: skip


def client_server_step(step_id: str) -> Step | None:
    """The step ``step_id`` of the client-server guide, if it has one."""
    return next((s for s in CLIENT_SERVER_STEPS if s.id == step_id), None)
