"""The steps of the original custom publisher integration guide (v1), as the walkthrough shows them.

The guide (uid2docs ``v1/guides/custom-publisher-integration.md``) numbers its own steps:
1 visits, 2 authenticates, 3-1 generate UID2, 3-2 UID2 tokens returned, 4-1 calling the SSP
for ads, 4-2 ads displayed to the user, 5-1 revisits the publisher, 5-2 refresh UID2 tokens,
6 user logout. Steps 3-1, 4-1, 5-2 and 6 are the publisher's integration points. Its calls are
the v1 GETs; each step's caption ends with what v2 changed.

The publisher journals these numbers when it plays the guide
(:mod:`uid2_desk.publisher.guides`). What the guide does not draw on its own (storing the
tokens, part of 3-2 and 5-2; deleting them, part of 6) is drawn as a note
(:data:`CUSTOM_EVENT_STEPS`). :func:`guide_step` finds a step of either guide by its id: the
numbers do not overlap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from uid2_desk.walkthrough.steps import Lane, Step
from uid2_desk.walkthrough.steps import step as catalogue_step

_D, _P, _O, _S = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR, Lane.SSP

CUSTOM_STEPS: tuple[Step, ...] = (
    Step("1", "Visits", _D, _P,
         "The user opens the publisher's app or site. Nothing about UID2 has happened yet. "
         "v2 kept this as it was."),
    Step("2", "Authenticates", _D, _P,
         "The user signs in with their email address, which stays on the publisher's server. "
         "v2 kept this as it was."),
    Step("3-1", "Generate UID2", _P, _O,
         "The publisher calls GET /v1/token/generate with the email (or its SHA-256 hash) in "
         "the URL and keeps the tokens with the user's login. v2 changed this: the email is "
         "sealed in an encrypted envelope POSTed to /v2/token/generate."),
    Step("3-2", "UID2 tokens returned", _O, _P,
         "The operator answers in plain JSON: an advertising token, a refresh token and their "
         "expiry times, even for an opted-out user. v2 changed this: the answer is encrypted "
         "with the client secret, and an opted-out user gets optout, not tokens."),
    Step("4-1", "Calling SSP for ads", _P, _S,
         "The publisher passes the advertising token, as is, with its ad requests to the SSP. "
         "v2 kept this as it was."),
    Step("4-2", "Ads displayed to user", _P, _D,
         "The winning ad is shown on the device; the user's email was never shared. v2 kept "
         "this as it was."),
    Step("5-1", "Revisits publisher", _D, _P,
         "The user comes back. The guide refreshes when a user returns, or every few minutes "
         "for an active user; inactive users need no refresh. v2 kept this as it was."),
    Step("5-2", "Refresh UID2 tokens", _P, _O,
         "The publisher calls GET /v1/token/refresh with the refresh token in the URL and "
         "replaces the stored tokens, or drops them when the answer is optout. v2 changed "
         "this: the reply is encrypted with the refresh_response_key of the previous answer."),
    Step("6", "User logout", _D, _P,
         "The user logs out and the publisher deletes the stored tokens. No operator call, in "
         "v1 as in v2."),
)  # fmt: skip

#: The reply step that answers a request step of the custom guide (5-2 answers itself).
CUSTOM_REPLY_STEPS: Mapping[str, str] = MappingProxyType({"3-1": "3-2"})

#: The steps an event journaled at a custom-guide step draws, by (event name, step); an empty
#: group makes the event a note (the guide has no arrow for it).
CUSTOM_EVENT_STEPS: Mapping[tuple[str, str], tuple[str, ...]] = MappingProxyType(
    {
        ("sign_in_requested", "2"): ("1", "2"),
        ("bid", "4-1"): ("4-1", "4-2"),
        ("identity_set", "3-2"): (),
        ("identity_set", "5-2"): (),
        ("state_changed", "3-2"): (),
        ("state_changed", "5-2"): (),
        ("state_changed", "6"): (),
    }
)

#: The custom guide's number for a server-only step that a side exchange is drawn after
#: (the buyer's key fetch follows the token reaching the SSP: 2-a, in the custom guide 4-1).
CUSTOM_AFTER_STEPS: Mapping[str, str] = MappingProxyType({"2-a": "4-1"})

#: The original (v1) server-only guide's words for the steps whose calls v2 changed; its
#: other steps read as today's.
V1_SERVER_ONLY_CAPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "1-d": "The publisher's server calls GET /v1/token/generate with the DII (or its "
        "SHA-256 hash) in the URL. v2 changed this: the DII is sealed in an envelope encrypted "
        "with the client secret and POSTed to /v2/token/generate.",
        "1-e": "The operator answers in plain JSON with an advertising token, a refresh token "
        "and their expiry times, even for an opted-out user. v2 changed this: the answer is "
        "encrypted, and an opted-out user gets optout.",
        "3-b": "The publisher calls GET /v1/token/refresh with the refresh token in the URL. "
        "v2 changed this: the refresh token is POSTed as the body.",
        "3-c": "The operator returns fresh tokens in plain JSON, or optout. v2 changed this: "
        "the reply is encrypted with the refresh_response_key of the previous answer.",
    }
)


def guide_step(step_id: str, *, v1: bool = False) -> Step | None:
    """The step ``step_id`` of the server-only or the custom publisher guide, if any.

    With ``v1`` (the step's call went to a ``/v1/`` endpoint), a server-only step whose call
    v2 changed has the original guide's words (:data:`V1_SERVER_ONLY_CAPTIONS`).
    """
    # Every flow's catalogue (server-only, client-side...), then the custom guide's own steps.
    found = catalogue_step(step_id) or next((s for s in CUSTOM_STEPS if s.id == step_id), None)
    v1_caption = V1_SERVER_ONLY_CAPTIONS.get(step_id) if v1 else None
    return found if found is None or v1_caption is None else replace(found, caption=v1_caption)
