"""Random bytes come from the OS a page at a time, and every byte goes to one caller once."""

from __future__ import annotations

import os
import threading

import pytest

from uid2_desk.protocol import crypto
from uid2_desk.protocol.crypto import (
    gcm_decrypt,
    gcm_decrypt_one_use,
    gcm_encrypt,
    gcm_encrypt_one_use,
    random_bytes,
)
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


def test_a_draw_waits_while_another_thread_holds_the_pool() -> None:
    pool = RandomPool()
    drawn: list[bytes] = []
    pool._lock.acquire()  # another thread in the middle of its draw
    drawer = threading.Thread(target=lambda: drawn.append(pool.take(12)))
    drawer.start()
    drawer.join(0.05)
    still_waiting = drawer.is_alive()
    pool._lock.release()
    drawer.join()

    assert still_waiting
    assert [len(d) for d in drawn] == [12]


@pytest.mark.parametrize(("count", "error"), [(-4, ValueError), (2.0, TypeError)])
def test_a_bad_count_is_refused_before_the_pool_is_touched(
    counting_os: list[int], count: object, error: type[Exception]
) -> None:
    pool = RandomPool()
    first = pool.take(8)
    with pytest.raises(error):
        pool.take(count)  # type: ignore[arg-type]
    after = pool.take(8)

    assert after == bytes((7 + i) % 251 for i in range(8, 16))  # the next bytes, none again
    assert first + after == bytes((7 + i) % 251 for i in range(16))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="only POSIX systems fork")
def test_a_forked_child_does_not_reuse_its_parents_buffered_bytes() -> None:
    random_bytes(12)  # the process pool now holds a page
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next draw, to the parent, then out without cleanup
        try:
            os.write(write, random_bytes(12))
        finally:
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


def test_a_one_use_key_is_not_kept_a_long_lived_one_is() -> None:
    crypto._kept_cipher.cache_clear()
    one_use, long_lived = bytes(range(32)), bytes(range(1, 33))
    sealed = gcm_encrypt_one_use(one_use, b"refresh reply")
    assert gcm_decrypt_one_use(one_use, sealed) == b"refresh reply"
    assert crypto._kept_cipher.cache_info().currsize == 0
    gcm_decrypt(long_lived, gcm_encrypt(long_lived, b"envelope"))
    assert crypto._kept_cipher.cache_info().currsize == 1


def test_a_cached_cipher_belongs_to_its_key_only() -> None:
    key = bytes(range(32))
    sealed = gcm_encrypt(key, b"payload")
    assert gcm_decrypt(bytes(range(32)), sealed) == b"payload"
    other = bytes([1]) + key[1:]
    with pytest.raises(DecryptionError, match="decryption failed"):
        gcm_decrypt(other, sealed)
