"""Random bytes come from the OS a page at a time, and every byte goes to one caller once."""

from __future__ import annotations

import os
import threading

import pytest

from uid2_desk.protocol.crypto import gcm_decrypt, gcm_encrypt, random_bytes
from uid2_desk.protocol.errors import DecryptionError
from uid2_desk.protocol.random_pool import POOL_BYTES, RandomPool


@pytest.fixture
def counting_os(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The OS's randomness replaced by numbered pages, so a test can see which bytes went where."""
    asked: list[int] = []

    def urandom(n: int) -> bytes:
        asked.append(n)
        page = len(asked)
        return bytes((page * 7 + i) % 251 for i in range(n))

    monkeypatch.setattr(os, "urandom", urandom)
    return asked


def test_many_small_draws_share_one_read_from_the_os(counting_os: list[int]) -> None:
    pool = RandomPool()
    draws = [pool.take(12) for _ in range(POOL_BYTES // 12)]
    assert counting_os == [POOL_BYTES]
    assert pool.reads == 1
    # In order, each byte once: together they are the page's bytes.
    assert b"".join(draws) == bytes((7 + i) % 251 for i in range(12 * len(draws)))


def test_a_draw_that_does_not_fit_starts_a_new_page_and_drops_the_tail(
    counting_os: list[int],
) -> None:
    pool = RandomPool()
    first = pool.take(POOL_BYTES - 10)
    second = pool.take(32)  # 10 bytes are left: not enough, and never handed out
    assert counting_os == [POOL_BYTES, POOL_BYTES]
    assert first == bytes((7 + i) % 251 for i in range(POOL_BYTES - 10))
    assert second == bytes((14 + i) % 251 for i in range(32))


def test_a_draw_larger_than_a_page_goes_straight_to_the_os(counting_os: list[int]) -> None:
    pool = RandomPool()
    assert len(pool.take(POOL_BYTES + 1)) == POOL_BYTES + 1
    assert pool.reads == 0
    assert counting_os == [POOL_BYTES + 1]


def test_threads_never_get_the_same_bytes() -> None:
    pool = RandomPool()
    drawn: list[bytes] = []
    lock = threading.Lock()

    def draw() -> None:
        mine = [pool.take(16) for _ in range(2000)]
        with lock:
            drawn.extend(mine)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(drawn) == 8000
    assert len(set(drawn)) == 8000  # 128-bit values: a repeat would be a handed-out-twice bug


@pytest.mark.skipif(not hasattr(os, "fork"), reason="only POSIX systems fork")
def test_a_forked_child_does_not_reuse_its_parents_buffered_bytes() -> None:
    random_bytes(12)  # the process pool now holds a page
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next draw, to the parent, then out without cleanup
        os.write(write, random_bytes(12))
        os._exit(0)
    os.close(write)
    child = os.read(read, 12)
    os.close(read)
    os.waitpid(pid, 0)
    assert child != random_bytes(12)


def test_the_forgotten_pool_reads_again_even_if_its_lock_was_held_at_fork() -> None:
    pool = RandomPool()
    pool.take(12)
    pool._lock.acquire()  # what another thread of a forking parent may hold
    pool.forget()
    assert len(pool.take(12)) == 12
    assert pool.reads == 2


def test_a_cached_cipher_belongs_to_its_key_only() -> None:
    key = bytes(range(32))
    sealed = gcm_encrypt(key, b"payload")
    assert gcm_decrypt(bytes(range(32)), sealed) == b"payload"
    other = bytes([1]) + key[1:]
    with pytest.raises(DecryptionError, match="decryption failed"):
        gcm_decrypt(other, sealed)
