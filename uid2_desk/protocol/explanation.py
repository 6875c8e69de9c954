"""What an explanation is, and the facts of a reply its rules read (:mod:`.explain`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: The replacement of each removed v0/v1 endpoint.
V1_REPLACEMENTS = {
    "/token/generate": "POST /v2/token/generate",
    "/token/refresh": "POST /v2/token/refresh",
    "/token/validate": "POST /v2/token/validate",
    "/token/logout": "POST /v2/token/logout",
    "/identity/map": "POST /v3/identity/map",
    "/identity/buckets": "POST /v3/identity/map (buckets are gone with salt buckets)",
    "/key/latest": "POST /v2/key/sharing or /v2/key/bidstream",
    "/key/sharing": "POST /v2/key/sharing",
}
#: Endpoints still served but deprecated, and what replaces them.
DEPRECATED = {
    "/v2/identity/map": "POST /v3/identity/map",
    "/v2/identity/buckets": "POST /v3/identity/map",
}
DEPRECATION_DATE = "2026-09-30"
ENVELOPE_DOCS = "https://unifiedid.com/docs/getting-started/gs-encryption-decryption"


@dataclass(frozen=True)
class Explanation:
    """A failure (or a warning) in plain words.

    Attributes:
        cause: what went wrong, one sentence.
        fix: what to change, one or two sentences.
        code: a stable short name for the cause (filters, checks, tests).
    """

    code: str
    cause: str
    fix: str


@dataclass(frozen=True)
class ReplyFacts:
    """The facts the rules look at."""

    path: str
    http: int | None
    status: str
    message: str
    facts: dict[str, str]
    empty_request: bool


#: A rule: an explanation when it recognises the reply, else ``None``.
Rule = Callable[[ReplyFacts], Explanation | None]
