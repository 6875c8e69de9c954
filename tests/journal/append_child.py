"""Child process for the durability test: append forever, print each seq once append returns.

Run as ``python -m tests.journal.append_child DB START EXCHANGE_JSON``; entry ``k`` (from
``START``) is the exchange read from ``EXCHANGE_JSON`` (a recorded one, in the journal's JSON
form) started at ``T0 + k``, so the parent can rebuild what it expects.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from tests.journal.recorded import T0
from uid2_desk.journal import Journal
from uid2_desk.journal.codec import exchange_from_json


def main() -> None:
    """Append until killed."""
    path, k = Path(sys.argv[1]), int(sys.argv[2])
    exchange = exchange_from_json(json.loads(Path(sys.argv[3]).read_text(encoding="utf-8")))
    journal = Journal.open(path)
    while True:
        entry = journal.append_exchange(
            dataclasses.replace(exchange, started_ms=T0 + k),
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
