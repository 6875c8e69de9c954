"""Injected faults: what the desk can make the local operator do wrong, on purpose.

A :class:`Fault` applies to one endpoint path or to all UID2 endpoints (never to the admin
surface), until cleared or for its next ``times`` requests. Several latency faults add up;
of the faults that shape the reply, the oldest matching one wins.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, replace
from enum import StrEnum

from uid2_desk.protocol.errors import InputError

#: The longest injected latency: longer than any client waits, short enough to end.
MAX_LATENCY_MS = 600_000
#: The most requests one fault may affect (beyond that, leave it until cleared).
MAX_TIMES = 1_000_000


class FaultKind(StrEnum):
    """What goes wrong."""

    #: Answer normally, but ``latency_ms`` later.
    LATENCY = "latency"
    #: ``500 {"message":"Unknown State","status":"unknown"}`` instead of the real answer.
    HTTP_500 = "http_500"
    #: ``503 Service Unavailable`` (plain text), as a load balancer would say.
    HTTP_503 = "http_503"
    #: HTTP 200 whose body is not a valid encrypted reply.
    MALFORMED = "malformed"
    #: The real reply's headers and half its body, then the connection closes.
    TRUNCATED = "truncated"
    #: The connection closes without any reply.
    DROP = "drop"


@dataclass(frozen=True)
class Fault:
    """One fault to inject (an impossible one raises :class:`InputError`).

    Attributes:
        kind: what goes wrong.
        endpoint: the path it applies to (``/v2/token/refresh``...), or ``None`` for all.
        times: how many requests it affects before it lapses; ``None`` until cleared.
        latency_ms: the added delay, for :attr:`FaultKind.LATENCY`.
    """

    kind: FaultKind
    endpoint: str | None = None
    times: int | None = None
    latency_ms: int = 0

    def __post_init__(self) -> None:
        if self.latency_ms > MAX_LATENCY_MS:
            raise InputError(f"latency_ms must be at most {MAX_LATENCY_MS} (ten minutes)")
        if self.times is not None and self.times > MAX_TIMES:
            raise InputError(f"times must be at most {MAX_TIMES} (or null for 'until cleared')")
        if self.kind is FaultKind.LATENCY and self.latency_ms <= 0:
            raise InputError("a latency fault needs latency_ms > 0")
        if self.latency_ms < 0:
            raise InputError("latency_ms cannot be negative")
        if self.times is not None and self.times < 1:
            raise InputError("times must be at least 1 (or None for 'until cleared')")
        if self.endpoint is not None and not self.endpoint.startswith("/"):
            raise InputError(
                f"endpoint must be a path such as /v2/token/generate, not {self.endpoint!r}"
            )

    def applies_to(self, path: str) -> bool:
        """Whether a request to ``path`` is affected."""
        return self.endpoint is None or self.endpoint == path

    @property
    def label(self) -> str:
        """A short description for the request log."""
        return (
            f"latency {self.latency_ms} ms" if self.kind is FaultKind.LATENCY else self.kind.value
        )


@dataclass(frozen=True)
class ActiveFault:
    """A fault on the board, with its id and how many requests it still affects."""

    id: int
    fault: Fault
    remaining: int | None


@dataclass(frozen=True)
class FaultPlan:
    """What to do to one request: a delay, then at most one reply-shaping fault."""

    latency_ms: int
    outcome: FaultKind | None
    label: str | None


NO_FAULT = FaultPlan(0, None, None)


class FaultBoard:
    """The faults currently set; thread-safe (the admin API and the server share it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._active: tuple[ActiveFault, ...] = ()

    def add(self, fault: Fault) -> int:
        """Set a fault; return its id."""
        with self._lock:
            entry = ActiveFault(next(self._ids), fault, fault.times)
            self._active = (*self._active, entry)
            return entry.id

    def remove(self, fault_id: int) -> bool:
        """Clear one fault; return whether it was set."""
        with self._lock:
            kept = tuple(a for a in self._active if a.id != fault_id)
            found = len(kept) != len(self._active)
            self._active = kept
            return found

    def clear(self) -> None:
        """Clear every fault."""
        with self._lock:
            self._active = ()

    def active(self) -> list[ActiveFault]:
        """The faults set now, oldest first."""
        return list(self._active)

    def take(self, path: str) -> FaultPlan:
        """Decide the faults for one request to ``path`` and count it against them."""
        if not self._active:
            return NO_FAULT
        with self._lock:
            latency = 0
            outcome: Fault | None = None
            labels: list[str] = []
            kept: list[ActiveFault] = []
            for entry in self._active:
                fault = entry.fault
                used = False
                if fault.applies_to(path):
                    if fault.kind is FaultKind.LATENCY:
                        latency += fault.latency_ms
                        used = True
                    elif outcome is None:
                        outcome = fault
                        used = True
                if not used or entry.remaining is None:
                    kept.append(entry)
                elif entry.remaining > 1:
                    kept.append(replace(entry, remaining=entry.remaining - 1))
                if used:
                    labels.append(fault.label)
            self._active = tuple(kept)
        if not labels:
            return NO_FAULT
        return FaultPlan(latency, outcome.kind if outcome else None, ", ".join(labels))
