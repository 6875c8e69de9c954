"""What a check found: a severity, one line of words, and the entries that prove it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is; ``uid2-desk check`` exits 1 when any is ``FAIL``."""

    FAIL = "FAIL"
    WARN = "WARN"
    PASS = "PASS"


@dataclass(frozen=True)
class Finding:
    """One result of a check.

    Attributes:
        severity: FAIL, WARN or PASS.
        check: the check's short name (``refresh_timing``...).
        text: what was found, in plain words.
        seqs: the journal entries (``seq``) that show it.
    """

    severity: Severity
    check: str
    text: str
    seqs: tuple[int, ...] = ()

    def line(self) -> str:
        """``FAIL refresh_reuse: … (entries 12, 14)``: one line for a terminal or a ticket."""
        proof = f" (entries {', '.join(str(s) for s in self.seqs[:10])}" if self.seqs else ""
        if len(self.seqs) > 10:
            proof += f" and {len(self.seqs) - 10} more"
        return f"{self.severity.value} {self.check}: {self.text}" + (proof + ")" if proof else "")
