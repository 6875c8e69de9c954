"""The client-side flow's steps: the app's UID2 SDK generates and refreshes on the device.

Numbered after the UID2 *Client-Side Integration Guide for Mobile* (unifiedid.com, guides/
integration-mobile-client-side), whose integration steps are 1 account setup (the subscription
id and server public key, and the app names), 2 add the SDK, 3 configure the SDK
(``generateIdentity``: the SDK generates the token, stores it on the device and refreshes it
automatically), 4 pass the token for bidstream use, 5 (optional) the GMA/IMA plugins. The
guide draws no sequence diagram, so the arrows of its steps 3 and 4 are lettered as the
server-only steps are (design.md §5): ``C3-a``…``C3-d``, ``C4-a``; the ``C`` keeps them apart
from the server-only guide's numbers. Lanes: the device (the app and its SDK), the UID2
operator and the SSP; no publisher server takes part.
"""

from __future__ import annotations

from uid2_desk.walkthrough.steps import Lane, Step, add_flow

#: The client-side flow's step ids, as the publisher journals them.
GENERATE = "C3-a"
TOKENS_RETURNED = "C3-b"
REFRESH = "C3-c"
NEW_TOKENS = "C3-d"
TOKEN_TO_SSP = "C4-a"
#: The step given to client-side events that are no arrow (drawn as notes on the diagram).
ON_DEVICE = "C3"

_D, _O, _S = Lane.DEVICE, Lane.OPERATOR, Lane.SSP

CLIENT_SIDE_STEPS: tuple[Step, ...] = (
    Step(GENERATE, "Sealed DII to client-generate", _D, _O,
         "The app's UID2 SDK makes a fresh P-256 key pair, derives a shared key with the "
         "site's server public key, seals the email or phone hash with it (AES-GCM; the "
         "timestamp and app name are the AAD) and posts it with the subscription id to "
         "/v2/token/client-generate. No API key and no publisher server: the operator checks "
         "the app name (or a page's Origin) against the site's list instead."),
    Step(TOKENS_RETURNED, "Sealed tokens returned", _O, _D,
         "The operator answers with the identity (advertising token, refresh token, expiry "
         "times), sealed with the same shared key so only this device can open it, or with "
         "'optout'. The SDK stores the identity on the device."),
    Step(REFRESH, "Automatic refresh", _D, _O,
         "At refresh_from the SDK sends the refresh token to /v2/token/refresh on its own "
         "(UID2Manager's automatic refresh), again without an API key."),
    Step(NEW_TOKENS, "New tokens (or opt-out)", _O, _D,
         "Fresh tokens, encrypted with the refresh response key, or 'optout' if the user "
         "opted out meanwhile: then the SDK clears the identity."),
    Step(TOKEN_TO_SSP, "Token in the ad request", _D, _S,
         "The app reads the advertising token from the SDK (getAdvertisingToken) and puts "
         "it in its ad request; buyers decrypt it like any other UID2 token."),
)  # fmt: skip

add_flow(CLIENT_SIDE_STEPS)
