"""Child process for the durability test: append forever, print each seq once append returns.

Run as ``python -m tests.journal.append_child DB START``; entry ``k`` (from ``START``) is
``exchanges.generate(seed=k, started_ms=T0 + k)``, so the parent can rebuild what it expects.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.journal import exchanges as records
from uid2_desk.journal import Journal


def main() -> None:
    """Append until killed."""
    path, k = Path(sys.argv[1]), int(sys.argv[2])
    journal = Journal.open(path)
    while True:
        entry = journal.append_exchange(
            records.generate(seed=k, started_ms=records.T0 + k),
            session="durability",
            user=f"user{k}@example.com",
            environment="local",
            step="1-d",
        )
        # Only now is the entry reported, exactly as a listener would be told of it.
        sys.stdout.write(f"{entry.seq}\n")
        sys.stdout.flush()
        k += 1


if __name__ == "__main__":
    main()
