"""The steps of the UID2 server-only integration guide, as the walkthrough shows them.

Numbers follow the publisher server-only guide (design.md §5): phase 1 generates an identity
when the user signs in, phase 2 uses its advertising token to buy ads, phase 3 refreshes it
when the user comes back, phase 4 forgets it at logout. Each step says who talks to whom
(:class:`Lane`) and, in plain words, what happens and why it matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Lane(IntEnum):
    """The participants of the sequence diagram, left to right."""

    DEVICE = 0
    PUBLISHER = 1
    OPERATOR = 2
    SSP = 3

    @property
    def title(self) -> str:
        """The participant's name as the diagram shows it."""
        return _LANE_TITLES[self.value]

    @property
    def mermaid_id(self) -> str:
        """A Mermaid participant id (letters only, no Mermaid keyword)."""
        return _MERMAID_IDS[self.value]


_LANE_TITLES = ("Device (CTV / app)", "Publisher server", "UID2 operator", "SSP")
_MERMAID_IDS = ("Device", "Publisher", "Operator", "SSP")


@dataclass(frozen=True)
class Step:
    """One numbered step of the guide.

    Attributes:
        id: the guide's number, e.g. ``1-d``.
        title: a few words for the arrow.
        source: the lane the arrow starts from.
        target: the lane it points to.
        caption: what happens and why it matters, for someone who never read the UID2 docs.
    """

    id: str
    title: str
    source: Lane
    target: Lane
    caption: str

    @property
    def phase(self) -> int:
        """The phase number (1 to 4), the digit before the dash."""
        return int(self.id.split("-", 1)[0].lstrip("C"))  # C3-a: the client-side flow


_D, _P, _O, _S = Lane.DEVICE, Lane.PUBLISHER, Lane.OPERATOR, Lane.SSP

STEPS: tuple[Step, ...] = (
    Step("1-a", "User visits", _D, _P,
         "The user opens the publisher's app or site on their device. Nothing about UID2 "
         "has happened yet: the publisher does not know who this is."),
    Step("1-b", "Login request", _P, _D,
         "The publisher asks the user to sign in and explains the value exchange: free "
         "content funded by ads, in return for an email address or phone number."),
    Step("1-c", "User authenticates", _D, _P,
         "The user signs in with their email address or phone number (their DII, directly "
         "identifying information). It stays on the publisher's server."),
    Step("1-d", "DII to generate", _P, _O,
         "The publisher's server sends the DII (or its SHA-256 hash), encrypted with its "
         "client secret, to the UID2 operator's /v2/token/generate. The raw email never "
         "reaches an advertiser."),
    Step("1-e", "Tokens returned", _O, _P,
         "The operator answers with an advertising token, a refresh token and their expiry "
         "times, or with 'optout' if this person has asked not to be targeted."),
    Step("1-f", "Identity set", _P, _D,
         "The publisher keeps the tokens with the user's login on its server. From now on "
         "the user's ad requests can carry the advertising token instead of any personal data. "
         "After an 'optout' answer there is nothing to keep: this user gets no UID2."),
    Step("2-a", "Token to the SSP", _P, _S,
         "When an ad slot comes up, the publisher sends the advertising token with the ad "
         "request to its SSP, which passes it into the auction."),
    Step("2-b", "Ads returned", _S, _P,
         "Buyers who can decrypt the token bid on an audience they recognise; the SSP "
         "returns the winning ad. Better-targeted ads are worth more to the publisher."),
    Step("2-c", "Ads shown", _P, _D,
         "The publisher shows the ad on the device. The user sees relevant ads without "
         "their email ever being shared."),
    Step("3-a", "User returns", _D, _P,
         "Later the user comes back. Advertising tokens are short-lived, so the publisher "
         "checks whether the stored identity is due for a refresh."),
    Step("3-b", "Refresh", _P, _O,
         "The publisher sends the refresh token to /v2/token/refresh. No DII is needed: "
         "this keeps the identity alive for as long as the user stays signed in."),
    Step("3-c", "New tokens (or opt-out)", _O, _P,
         "The operator returns a fresh set of tokens, encrypted with the key from the last "
         "answer, or 'optout' if the user opted out in the meantime: then the publisher must "
         "stop using UID2 for them."),
    Step("3-d", "Identity set", _P, _D,
         "The publisher replaces the stored tokens with the new ones, or, after an 'optout' "
         "answer, drops them: no UID2 goes into this user's ad requests any more."),
    Step("4-a", "Logout", _D, _P,
         "The user logs out of the publisher's app or site."),
    Step("4-b", "Identity cleared", _P, _D,
         "The publisher deletes the user's tokens: no more ad requests carry their UID2 "
         "token until they sign in again."),
)  # fmt: skip


#: Every flow's steps: the server-only guide's, then those of :func:`add_flow`.
_FLOWS: list[tuple[Step, ...]] = [STEPS]


def add_flow(steps: tuple[Step, ...]) -> None:
    """Make another flow's steps (e.g. the client-side flow's ``C3-a``…) known to :func:`step`."""
    if steps not in _FLOWS:
        _FLOWS.append(steps)


def step(step_id: str) -> Step | None:
    """The catalogue entry for ``step_id`` (e.g. ``"3-c"``), or ``None`` if there is none."""
    return next((s for flow in _FLOWS for s in flow if s.id == step_id), None)


PHASE_TITLES: tuple[str, ...] = (
    "Sign in: generate an identity",
    "Bid: use the advertising token",
    "Return: refresh the identity",
    "Log out: forget the identity",
)
