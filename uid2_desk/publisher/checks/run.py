"""The checks themselves: each reads the chains (or the exchanges) and says what it found."""

from __future__ import annotations

from collections import defaultdict

from uid2_desk.journal.model import JournalEntry
from uid2_desk.protocol.capture import SKEW_FACT, extra_value
from uid2_desk.protocol.explain import explain
from uid2_desk.publisher.checks.chains import Chain, build_chains
from uid2_desk.publisher.checks.findings import Finding, Severity

#: Clock skew above this is worth a warning (the operator refuses envelopes past 60 s).
SKEW_WARN_MS = 30_000
#: Causes that are the client's to fix (a FAIL); the rest are the environment's (a WARN).
_ENVIRONMENT_CAUSES = frozenset({"unavailable", "server_error", "optout", "deprecated_endpoint"})


def run_checks(entries: list[JournalEntry]) -> list[Finding]:
    """Every finding over a session's entries (full entries: with their exchanges)."""
    exchanges = [e for e in entries if e.exchange is not None]
    chains, _ = build_chains(exchanges)
    findings = [
        *_refresh_timing(chains),
        *_reuse(chains),
        *_after_optout(chains),
        *_regenerate(chains, exchanges),
        *_causes(exchanges),
        *_skew(exchanges),
    ]
    if not any(f.severity is not Severity.PASS for f in findings):
        findings.append(
            Finding(Severity.PASS, "traffic", f"no problem found in {len(exchanges)} exchanges")
        )
    return findings


def _refresh_timing(chains: list[Chain]) -> list[Finding]:
    found: list[Finding] = []
    in_window = 0
    for chain in chains:
        for seq, at_ms, sent, status in chain.refreshes:
            identity = chain.identity_for(sent)
            if identity is None:
                continue
            who = chain.user or "a user"
            if at_ms > identity.refresh_expires_ms:
                late = (at_ms - identity.refresh_expires_ms) / 1000
                found.append(
                    Finding(
                        Severity.FAIL,
                        "refresh_expired",
                        f"{who}: refreshed {late:.0f} s after refresh_expires ({status}); the "
                        "identity was already lost",
                        (identity.seq, seq),
                    )
                )
            elif at_ms > identity.identity_expires_ms:
                stale = (at_ms - identity.identity_expires_ms) / 1000
                found.append(
                    Finding(
                        Severity.WARN,
                        "stale_token",
                        f"{who}: refreshed {stale:.0f} s after identity_expires: for {stale:.0f} s "
                        "bids carried an expired token",
                        (identity.seq, seq),
                    )
                )
            elif at_ms < identity.refresh_from_ms:
                early = (identity.refresh_from_ms - at_ms) / 1000
                found.append(
                    Finding(
                        Severity.WARN,
                        "early_refresh",
                        f"{who}: refreshed {early:.0f} s before refresh_from: a wasted call (the "
                        "operator returns a new identity, but nothing required one)",
                        (identity.seq, seq),
                    )
                )
            else:
                in_window += 1
    if in_window:
        found.append(
            Finding(
                Severity.PASS,
                "refresh_timing",
                f"{in_window} refreshes came between refresh_from and identity_expires",
            )
        )
    return found


def _reuse(chains: list[Chain]) -> list[Finding]:
    return [
        Finding(
            Severity.FAIL,
            "refresh_reuse",
            f"{chain.user or 'a user'}: a refresh token was used again after it had been "
            "refreshed (two refreshers racing, or an update that was lost)",
            (first, seq),
        )
        for chain in chains
        for seq, first in chain.reuses
    ]


def _after_optout(chains: list[Chain]) -> list[Finding]:
    found = []
    for chain in chains:
        if chain.opted_out_at is None:
            continue
        later = [seq for seq, *_ in chain.refreshes if seq > chain.opted_out_at]
        if later:
            found.append(
                Finding(
                    Severity.FAIL,
                    "after_optout",
                    f"{chain.user or 'a user'}: the identity was refreshed again after the "
                    "operator answered optout; drop it at the first optout",
                    (chain.opted_out_at, *later),
                )
            )
    return found


def _regenerate(chains: list[Chain], entries: list[JournalEntry]) -> list[Finding]:
    found = []
    latest: dict[str, Chain] = {}
    for chain in chains:
        if chain.user is None:
            continue
        before = latest.get(chain.user)
        if before is not None and before.issued and before.opted_out_at is None:
            last = before.issued[-1]
            if chain.started_ms < last.refresh_expires_ms and chain.issued:
                found.append(
                    Finding(
                        Severity.WARN,
                        "regenerate",
                        f"{chain.user}: generated again while the previous identity could still be "
                        "refreshed; refresh it instead",
                        (last.seq, chain.issued[0].seq),
                    )
                )
        latest[chain.user] = chain
    return found


def _causes(entries: list[JournalEntry]) -> list[Finding]:
    by_code: dict[str, list[int]] = defaultdict(list)
    words: dict[str, str] = {}
    for entry in entries:
        assert entry.exchange is not None
        explanation = explain(entry.exchange)
        if explanation is None:
            continue
        by_code[explanation.code].append(entry.seq)
        words.setdefault(explanation.code, f"{explanation.cause} {explanation.fix}")
    return [
        Finding(
            Severity.WARN if code in _ENVIRONMENT_CAUSES else Severity.FAIL,
            code,
            f"{len(seqs)}× {words[code]}",
            tuple(seqs),
        )
        for code, seqs in by_code.items()
    ]


def _skew(entries: list[JournalEntry]) -> list[Finding]:
    worst: tuple[int, int] | None = None
    for entry in entries:
        assert entry.exchange is not None
        text = extra_value(entry.exchange, SKEW_FACT)
        skew = int(text) if text and text.lstrip("-").isdigit() else entry.exchange.clock_skew_ms
        if (
            skew is not None
            and abs(skew) > SKEW_WARN_MS
            and (worst is None or abs(skew) > abs(worst[0]))
        ):
            worst = (skew, entry.seq)
    if worst is None:
        return []
    return [
        Finding(
            Severity.WARN,
            "clock_skew",
            f"a client's clock was {abs(worst[0]) / 1000:.0f} s "
            f"{'ahead of' if worst[0] > 0 else 'behind'} the operator's; past 60 s envelopes are "
            "refused: sync it with NTP",
            (worst[1],),
        )
    ]
