"""Integration checks: a linter over real traffic (what a client did, judged against the guides).

:func:`run_checks` reads a session's exchanges (the desk's own and those captured from other
clients), groups them into chains (one DII: its generate, then each refresh of the token the
previous reply gave) and reports :class:`Finding` s, each ``FAIL``, ``WARN`` or ``PASS`` with
the journal entries that prove it. ``uid2-desk check`` prints them; the desk's *Checks* panel
shows them.
"""

from uid2_desk.publisher.checks.findings import Finding, Severity
from uid2_desk.publisher.checks.run import run_checks

__all__ = ["Finding", "Severity", "run_checks"]
