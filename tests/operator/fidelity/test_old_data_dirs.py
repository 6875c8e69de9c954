"""A data directory from before raw UIDs became v2 keeps its opt-outs findable (issue 15, 10)."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

from uid2_desk.operator import Lifetimes, LocalOperator


def test_opt_outs_stored_with_33_byte_raw_uids_are_read_as_v2(tmp_path: Path) -> None:
    """Old data dirs stored ``scope << 4 | type << 2`` in front of the same SHA-256."""
    data_dir = tmp_path / "operator"
    with LocalOperator.open(data_dir, lifetimes=Lifetimes.local()) as operator:
        current = operator.admin.opt_out("email", "old@example.com").advertising_id
    old = base64.b64encode(b"\x00" + base64.b64decode(current)).decode()
    with sqlite3.connect(data_dir / "operator.sqlite3") as conn:
        conn.execute("UPDATE optouts SET advertising_id = ?", (old,))
    conn.close()

    with LocalOperator.open(data_dir, lifetimes=Lifetimes.local()) as reopened:
        (record,) = reopened.admin.opt_outs()

    assert record.advertising_id == current
    with sqlite3.connect(data_dir / "operator.sqlite3") as conn:
        assert conn.execute("SELECT advertising_id FROM optouts").fetchall() == [(current,)]
    conn.close()
