"""Group a session's exchanges into chains: a generate, then the refreshes that follow it.

A refresh belongs to the chain whose latest reply handed out the refresh token it sent; a
refresh that sends a token the chain already refreshed is a reuse (two refreshers racing, or
a client that kept an old token). The identity's three times come from the replies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from uid2_desk.journal.model import JournalEntry
from uid2_desk.protocol.exchange import Exchange

GENERATE_PATHS = frozenset({"/v2/token/generate", "/v2/token/client-generate"})
REFRESH_PATH = "/v2/token/refresh"


@dataclass(frozen=True)
class IssuedIdentity:
    """An identity a reply handed out, with the entry that carried it."""

    seq: int
    refresh_token: str
    refresh_from_ms: int
    identity_expires_ms: int
    refresh_expires_ms: int


@dataclass
class Chain:
    """One DII's identities over time.

    Attributes:
        user: the DII as the generate request named it (or ``None``).
        issued: every identity the chain received, oldest first.
        refreshes: the refresh entries (seq, time, token sent, reply status).
        used_tokens: refresh token → seq of the refresh that used it first.
        opted_out_at: seq of the reply that said ``optout``, if any.
        reuses: ``(seq, first_seq)`` of refreshes that sent a token already refreshed.
    """

    user: str | None
    issued: list[IssuedIdentity] = field(default_factory=list)
    refreshes: list[tuple[int, int, str, str]] = field(default_factory=list)
    used_tokens: dict[str, int] = field(default_factory=dict)
    opted_out_at: int | None = None
    reuses: list[tuple[int, int]] = field(default_factory=list)
    started_ms: int = 0

    def identity_for(self, refresh_token: str) -> IssuedIdentity | None:
        """The identity that handed out ``refresh_token``."""
        return next((i for i in self.issued if i.refresh_token == refresh_token), None)


def reply_body(exchange: Exchange) -> dict[str, object] | None:
    """The ``body`` object of a success reply, if the exchange carries a readable one."""
    text = exchange.response_plaintext
    if not text:
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    body = document.get("body") if isinstance(document, dict) else None
    return body if isinstance(body, dict) else None


def issued_identity(seq: int, exchange: Exchange) -> IssuedIdentity | None:
    """The identity a generate or refresh reply handed out, if it handed one out."""
    body = reply_body(exchange)
    if body is None:
        return None
    token = body.get("refresh_token")
    times = [body.get(k) for k in ("refresh_from", "identity_expires", "refresh_expires")]
    ints = [t for t in times if isinstance(t, int)]
    if not isinstance(token, str) or len(ints) != len(times):
        return None
    return IssuedIdentity(seq, token, ints[0], ints[1], ints[2])


def build_chains(entries: list[JournalEntry]) -> tuple[list[Chain], dict[str, Chain]]:
    """The chains of a session's exchanges, and every refresh token → its chain."""
    chains: list[Chain] = []
    by_token: dict[str, Chain] = {}
    for entry in entries:
        exchange = entry.exchange
        if exchange is None:
            continue
        if exchange.endpoint in GENERATE_PATHS and exchange.http_status == 200:
            chain = Chain(user=entry.user, started_ms=entry.at_ms)
            chains.append(chain)
            _take_reply(chain, entry.seq, exchange, by_token)
        elif exchange.endpoint == REFRESH_PATH:
            sent = (exchange.request_plaintext or "").strip()
            found = by_token.get(sent)
            if found is None:
                continue
            found.refreshes.append(
                (
                    entry.seq,
                    entry.at_ms,
                    sent,
                    exchange.operator_status or str(exchange.http_status),
                )
            )
            first = found.used_tokens.setdefault(sent, entry.seq)
            if first != entry.seq:
                found.reuses.append((entry.seq, first))
            _take_reply(found, entry.seq, exchange, by_token)
    return chains, by_token


def _take_reply(chain: Chain, seq: int, exchange: Exchange, by_token: dict[str, Chain]) -> None:
    if exchange.operator_status == "optout" and chain.opted_out_at is None:
        chain.opted_out_at = seq
    identity = issued_identity(seq, exchange)
    if identity is not None:
        chain.issued.append(identity)
        by_token[identity.refresh_token] = chain
