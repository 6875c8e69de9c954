"""Compare what a step did with what its scenario expected (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.publisher.scenario.model import Expectation
from uid2_desk.publisher.scenario.results import Check


@dataclass(frozen=True)
class Observation:
    """What a step did and where it left the scenario's user.

    Attributes:
        state: the user's state afterwards (``None`` when there is no user).
        identity: whether the user holds an identity afterwards.
        attempts: the user's consecutive failed refresh attempts afterwards.
        exchanges: how many operator exchanges the step made.
        http: the HTTP status of the step's last exchange.
        status: the operator status of the step's last exchange.
        error: whether the operation raised.
        valid: a validate step's answer.
        decrypt: a bid step's decryption status.
        messages: the error message and any notices, for ``message`` expectations.
    """

    state: str | None
    identity: bool | None
    attempts: int | None
    exchanges: int
    http: int | None
    status: str | None
    error: bool
    valid: bool | None = None
    decrypt: str | None = None
    messages: tuple[str, ...] = ()

    def describe(self) -> str:
        """A few words for the step's outcome line, e.g. ``success, HTTP 200 → established``."""
        parts: list[str] = []
        if self.exchanges:
            parts.append(f"{self.status or 'no status'}, HTTP {self.http or '—'}")
            if self.exchanges > 1:
                parts[-1] += f" ({self.exchanges} exchanges)"
        else:
            parts.append("no operator call")
        if self.valid is not None:
            parts.append(f"valid={str(self.valid).lower()}")
        if self.decrypt is not None:
            parts.append(f"decrypt {self.decrypt}")
        if self.error:
            parts.append("error")
        text = ", ".join(parts)
        return f"{text} → {self.state}" if self.state else text


def _text(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def check_expectations(expect: Expectation, seen: Observation) -> tuple[Check, ...]:
    """One :class:`Check` per expectation the step states, in a fixed order."""
    pairs: list[tuple[str, object, object]] = [
        ("state", expect.state, seen.state),
        ("status", expect.status, seen.status),
        ("http", expect.http, seen.http),
        ("error", expect.error, seen.error),
        ("valid", expect.valid, seen.valid),
        ("attempts", expect.attempts, seen.attempts),
        ("exchanges", expect.exchanges, seen.exchanges),
        ("identity", expect.identity, seen.identity),
        ("decrypt", expect.decrypt, seen.decrypt),
    ]
    checks = [Check(name, _text(want), _text(got)) for name, want, got in pairs if want is not None]
    if expect.message is not None:
        needle = expect.message.lower()
        found = next((m for m in seen.messages if needle in m.lower()), None)
        checks.append(
            Check(
                "message",
                f"containing {expect.message!r}",
                f"containing {expect.message!r}" if found else repr(" / ".join(seen.messages)),
            )
        )
    return tuple(checks)
