"""The operator's SQLite store (uid2_desk.operator.state.store), on real files in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from uid2_desk.operator.state.credentials import ClientRegistry
from uid2_desk.operator.state.store import OperatorStore
from uid2_desk.protocol.errors import StorageError


def test_a_failure_inside_a_transaction_rolls_back_what_it_wrote(tmp_path: Path) -> None:
    store = OperatorStore.open_in(tmp_path)

    def write_half() -> None:
        with store.transaction() as conn:
            conn.execute("INSERT INTO meta (name, value) VALUES ('half', 'written')")
            raise RuntimeError("half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        write_half()
    assert store.get_meta("half") is None
    store.close()


def test_a_meta_value_reads_back_after_a_reopen_and_a_missing_one_is_none(
    tmp_path: Path,
) -> None:
    store = OperatorStore.open_in(tmp_path)
    with store.transaction() as conn:
        conn.execute("INSERT INTO meta (name, value) VALUES ('colour', 'blue')")
    store.close()

    reopened = OperatorStore.open_in(tmp_path)
    assert reopened.get_meta("colour") == "blue"
    assert reopened.get_meta("absent") is None
    reopened.close()


def test_a_closed_store_closes_again_quietly_and_refuses_reads_with_a_message(
    tmp_path: Path,
) -> None:
    store = OperatorStore.open_in(tmp_path)
    store.close()
    store.close()

    with pytest.raises(StorageError, match="has been closed; open it again"):
        store.query("SELECT 1")


def test_the_clients_read_back_are_the_clients_made_in_name_order(tmp_path: Path) -> None:
    store = OperatorStore.open_in(tmp_path)
    made = ClientRegistry.load_or_create(store, 1_704_067_200_000)
    store.close()

    store = OperatorStore.open_in(tmp_path)
    read = ClientRegistry.load_or_create(store, 1_704_067_200_000)
    store.close()

    assert [c.name for c in read.all()] == ["dsp", "publisher", "sharer"]
    assert read.all() == made.all()
