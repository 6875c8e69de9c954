"""Which integration guide the publisher plays, and so which API and step numbers it uses.

Today's server-only guide (v2) is the default. The two legacy guides call the v1 GET API,
which only the local operator opened with ``legacy_v1`` serves:

- the v1 server-only guide has the same steps as today's (1-d … 4-b), made with GET requests;
- the custom publisher guide numbers its own: 1 visits, 2 authenticates, 3-1 generate,
  3-2 tokens returned, 4-1 calling the SSP for ads, 4-2 ads displayed, 5-1 revisits,
  5-2 refresh, 6 logout.

The publisher always thinks in the server-only steps (:class:`~.recorder.Step`); the guide
renumbers them as they are journaled (:meth:`Guide.journal_step`), so the walkthrough and the
report draw the guide's own numbers. Each v1 exchange is journaled with one line saying what
v2 changed (:meth:`Guide.v2_change`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from uid2_desk.protocol.errors import InputError

#: Server-only step → the custom publisher guide's number. Steps the custom guide does not
#: draw on their own are given the number of the step they belong to (storing the tokens is
#: part of 3-2 and 5-2, clearing them part of 6); the walkthrough draws those as notes.
CUSTOM_NUMBERS: Mapping[str, str] = MappingProxyType(
    {
        "1-a": "1",
        "1-b": "2",
        "1-c": "2",
        "1-d": "3-1",
        "1-e": "3-2",
        "1-f": "3-2",
        "2-a": "4-1",
        "2-b": "4-2",
        "2-c": "4-2",
        "3-a": "5-1",
        "3-b": "5-2",
        "3-c": "5-2",
        "3-d": "5-2",
        "4-a": "6",
        "4-b": "6",
    }
)

#: What v2 changed, one line per v1 endpoint, journaled as the exchange's summary.
V2_CHANGES: Mapping[str, str] = MappingProxyType(
    {
        "/v1/token/generate": "v1: the email travels in the URL of a GET; v2 seals it in an "
        "encrypted envelope POSTed to /v2/token/generate (and answers optout for opted-out users)",
        "/v1/token/refresh": "v1: the refresh reply is plain JSON; v2 encrypts it with the "
        "refresh_response_key of the previous answer",
        "/v1/token/validate": "v1: the token and email travel in the URL of a GET; v2 seals them "
        "in an encrypted envelope POSTed to /v2/token/validate",
    }
)


class Guide(StrEnum):
    """The integration guide a desk plays."""

    SERVER_ONLY = "server-only"
    """Today's server-only guide: the v2 API, steps 1-a … 4-b."""
    SERVER_ONLY_V1 = "server-only-v1"
    """The original server-only guide: steps 1-d … 4-b with the v1 GET API."""
    CUSTOM_V1 = "custom-v1"
    """The original custom publisher guide: steps 1 … 6 with the v1 GET API."""

    @classmethod
    def named(cls, name: str) -> Guide:
        """The guide called ``name``, or an error listing the names."""
        try:
            return cls(name)
        except ValueError:
            names = ", ".join(g.value for g in cls)
            raise InputError(f"There is no guide called {name!r}; choose one of {names}.") from None

    @property
    def legacy_v1(self) -> bool:
        """Whether the guide calls the v1 API (served only by the local operator)."""
        return self is not Guide.SERVER_ONLY

    @property
    def display_name(self) -> str:
        """The guide's name for people."""
        return _TITLES[self]

    def journal_step(self, step: str | None) -> str | None:
        """The number this guide gives the server-only ``step``."""
        if step is None or self is not Guide.CUSTOM_V1:
            return step
        return CUSTOM_NUMBERS.get(step, step)

    def v2_change(self, endpoint: str) -> str | None:
        """One line saying what v2 changed about ``endpoint``, for the v1 guides' exchanges."""
        return V2_CHANGES.get(endpoint) if self.legacy_v1 else None


_TITLES = {
    Guide.SERVER_ONLY: "Server-only integration guide (v2)",
    Guide.SERVER_ONLY_V1: "Server-only integration guide, original v1 version",
    Guide.CUSTOM_V1: "Custom publisher integration guide (v1)",
}
