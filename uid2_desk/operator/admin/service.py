"""The desk's control panel for its local operator (not part of UID2), as a Python API.

Everything a tester needs to provoke on purpose: a user opting out now, a key rotation,
faults, server clock skew, and the log of served requests. Thread-safe: the desk calls it
from its own thread while the server runs in another. The same operations are served over
HTTP by :mod:`uid2_desk.operator.admin.http`.
"""

from __future__ import annotations

from uid2_desk.operator.admin.faults import ActiveFault, Fault, FaultBoard
from uid2_desk.operator.issuer import TokenIssuer
from uid2_desk.operator.state.keys import KeyRing
from uid2_desk.operator.state.optouts import OptOutRegistry, StoredOptOut
from uid2_desk.operator.state.request_log import DEFAULT_READ_LIMIT, RequestLog, ServedRequest
from uid2_desk.protocol.clock import WarpClock
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import DiiKind, parse_dii
from uid2_desk.protocol.tokens import Key

#: The furthest the admin may move the operator's clock, either way: one year.
MAX_CLOCK_OFFSET_MS = 366 * 24 * 3600 * 1000


class OperatorAdmin:
    """Admin operations on one running :class:`~uid2_desk.operator.LocalOperator`."""

    def __init__(
        self,
        *,
        issuer: TokenIssuer,
        keys: KeyRing,
        optouts: OptOutRegistry,
        faults: FaultBoard,
        clock: WarpClock,
        log: RequestLog,
    ) -> None:
        self._issuer = issuer
        self._keys = keys
        self._optouts = optouts
        self._faults = faults
        self._clock = clock
        self._log = log

    def opt_out(self, kind: DiiKind | str, value: str) -> StoredOptOut:
        """Opt a DII out now, as if the user had used the opt-out portal.

        ``kind`` is ``email``, ``phone``, ``email_hash`` or ``phone_hash``; ``value`` is
        normalised as the operator would. Raises an ``InputError`` subclass if invalid.
        Generate then answers ``optout`` for it, and refreshing any of its identities
        established until now answers ``optout``.
        """
        try:
            dii_kind = DiiKind(kind)
        except ValueError:
            choices = ", ".join(k.value for k in DiiKind)
            raise InputError(f"unknown kind of DII {kind!r}; use one of {choices}") from None
        dii = parse_dii(dii_kind, value)
        return self._issuer.opt_out(dii.hash_b64, dii.identity_type, self._clock.now_ms())

    def opt_outs(self) -> list[StoredOptOut]:
        """Every opt-out recorded, oldest first."""
        return self._optouts.all()

    def rotate_keys(self) -> list[int]:
        """Give every keyset a new key, active now; return the new key ids.

        New tokens use the new keys; tokens issued before keep decrypting (and refreshing)
        with the old keys until those expire.
        """
        return [key.id for key in self._keys.rotate(self._clock.now_ms())]

    def all_keys(self) -> list[Key]:
        """Every key, refresh keys included, by id: what decrypts this operator's tokens.

        For the desk's token inspector and tests; these secrets belong to a local test
        operator only.
        """
        return self._keys.all_keys()

    def set_fault(self, fault: Fault) -> int:
        """Inject a fault; return its id (for :meth:`remove_fault`)."""
        return self._faults.add(fault)

    def remove_fault(self, fault_id: int) -> bool:
        """Clear one fault; return whether it was still set."""
        return self._faults.remove(fault_id)

    def clear_faults(self) -> None:
        """Clear every fault."""
        self._faults.clear()

    def faults(self) -> list[ActiveFault]:
        """The faults set now, with how many requests each still affects."""
        return self._faults.active()

    @property
    def clock_offset_ms(self) -> int:
        """How far the operator's clock runs ahead of the clock it was given."""
        return self._clock.offset_ms

    def set_clock_offset(self, offset_ms: int) -> None:
        """Move the operator's clock ``offset_ms`` away from the clock it was given.

        Alone this simulates server clock skew (requests more than about two minutes off
        are refused with ``Invalid timestamp``); to move desk and operator together, warp
        the shared clock instead. Offsets beyond :data:`MAX_CLOCK_OFFSET_MS` either way are
        refused (:class:`InputError`): no client clock is that far off, and dates past the
        year 9999 cannot even be written in a ``Date`` header.
        """
        if abs(offset_ms) > MAX_CLOCK_OFFSET_MS:
            raise InputError(
                f"offset_ms must be within ±{MAX_CLOCK_OFFSET_MS} (one year), not {offset_ms}"
            )
        self._clock.set_offset(offset_ms)

    def now_ms(self) -> int:
        """The operator's current time (epoch ms)."""
        return self._clock.now_ms()

    def served_requests(
        self, after_id: int = 0, limit: int = DEFAULT_READ_LIMIT
    ) -> list[ServedRequest]:
        """Requests served after ``after_id``, oldest first (reads the database)."""
        return self._log.read(after_id, limit)
