"""Journal entries for log tests, shaped as the journal returns light entries."""

from __future__ import annotations

from dataclasses import replace

from uid2_desk.journal import EntryKind, JournalEntry
from uid2_desk.protocol.capture import CAPTURED_BY, FIX, WHY, CapturedClient
from uid2_desk.protocol.exchange import Exchange, Timings

T0 = 1_704_067_200_000
ENDPOINTS = ("/v2/token/generate", "/v2/token/refresh", "/v2/token/validate", "/v2/token/logout")
USERS = ("validate@example.com", "optout@example.com", "+12345678901", "jane@example.com")


def exchange_entry(
    seq: int,
    *,
    endpoint: str = "/v2/token/generate",
    user: str = "validate@example.com",
    outcome: str = "success",
    http_status: int | None = 200,
    step: str = "1-d",
) -> JournalEntry:
    """A light exchange entry (no bytes), as :meth:`Journal.entries` lists them."""
    return JournalEntry(
        seq=seq,
        at_ms=T0 + seq * 10,
        kind=EntryKind.EXCHANGE,
        session="20240101T000000Z-test",
        user=user,
        environment="local",
        step=step,
        outcome=outcome,
        summary=f"POST {endpoint} → {http_status} {outcome} in 12 ms",
        exchange=None,
        name=endpoint,
        method="POST",
        http_status=http_status,
        duration_ms=12.0,
    )


def event_entry(
    seq: int, name: str = "identity_set", user: str = "jane@example.com"
) -> JournalEntry:
    """A lifecycle event entry."""
    return JournalEntry(
        seq=seq,
        at_ms=T0 + seq * 10,
        kind=EntryKind.EVENT,
        session="20240101T000000Z-test",
        user=user,
        environment="local",
        step="1-f",
        outcome="success",
        summary=f"{user}: identity set",
        exchange=None,
        detail=(("state", "established"),),
        name=name,
    )


def many_entries(count: int, start: int = 1) -> list[JournalEntry]:
    """``count`` exchanges cycling through endpoints, users and outcomes."""
    outcomes = ("success", "success", "optout", "error")
    return [
        exchange_entry(
            seq,
            endpoint=ENDPOINTS[seq % len(ENDPOINTS)],
            user=USERS[seq % len(USERS)],
            outcome=outcomes[seq % len(outcomes)],
            http_status=400 if outcomes[seq % len(outcomes)] == "error" else 200,
        )
        for seq in range(start, start + count)
    ]


def captured_entry(
    seq: int,
    client: CapturedClient,
    *,
    endpoint: str = "/v2/token/generate",
    outcome: str = "success",
    http_status: int = 200,
    why: tuple[str, str] | None = None,
) -> JournalEntry:
    """A full entry of an exchange the desk's operator captured from ``client``."""
    extra = ((CAPTURED_BY, "operator"), *client.pairs())
    if why is not None:
        extra += ((WHY, why[0]), (FIX, why[1]))
    exchange = Exchange(
        endpoint=endpoint,
        url=f"http://127.0.0.1:8080{endpoint}",
        started_ms=T0 + seq * 10,
        timings=Timings(total_ms=9.0),
        request_plaintext='{"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="}',
        request_body=b"AQAAAAA=",
        http_status=http_status,
        response_plaintext='{"status":"success"}',
        operator_status=outcome,
        extra=extra,
    )
    return replace(
        exchange_entry(seq, endpoint=endpoint, outcome=outcome, http_status=http_status),
        user=None,
        exchange=exchange,
    )
