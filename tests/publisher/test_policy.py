"""Refresh policies: when each one refreshes on its own (pure timing rules)."""

from __future__ import annotations

import pytest

from uid2_desk.publisher.refresh.policy import (
    DEFAULT_INTERVAL_MS,
    PolicyKind,
    RefreshTiming,
    due_at,
    retry_delay_ms,
    returning_user_refreshes,
)

T0 = 1_000_000
TIMING = RefreshTiming(
    refresh_from=T0 + 900_000, refresh_expires=T0 + 86_400_000, identity_set_ms=T0
)


def test_backoff_is_five_short_retries_of_5_s_then_60_s_like_the_android_sdk() -> None:
    assert [retry_delay_ms(n) for n in range(1, 9)] == [5000] * 5 + [60000] * 3


def test_retry_delay_is_only_defined_after_a_failure() -> None:
    with pytest.raises(
        ValueError, match=r"^retry_delay_ms is for a failed attempt \(attempts >= 1\)$"
    ):
        retry_delay_ms(0)


@pytest.mark.parametrize("policy", [PolicyKind.MANUAL, PolicyKind.ON_RETURN])
def test_manual_and_on_return_never_refresh_from_the_clock(policy: PolicyKind) -> None:
    assert due_at(policy, TIMING) is None


def test_automatic_is_due_at_refresh_from() -> None:
    assert due_at(PolicyKind.AUTOMATIC, TIMING) == TIMING.refresh_from


def test_automatic_retries_5_s_after_each_of_the_first_five_failures_then_60_s() -> None:
    failed_at = TIMING.refresh_from + 123
    dues = [
        due_at(
            PolicyKind.AUTOMATIC,
            RefreshTiming(
                TIMING.refresh_from,
                TIMING.refresh_expires,
                T0,
                attempts=n,
                last_attempt_ms=failed_at,
            ),
        )
        for n in range(1, 8)
    ]
    assert [d - failed_at for d in dues if d is not None] == [5000] * 5 + [60000] * 2


def test_automatic_never_schedules_at_or_after_refresh_expires() -> None:
    expires = TIMING.refresh_from + 10_000
    just_before = RefreshTiming(
        TIMING.refresh_from, expires, T0, attempts=6, last_attempt_ms=expires - 60_001
    )
    at_expiry = RefreshTiming(
        TIMING.refresh_from, expires, T0, attempts=6, last_attempt_ms=expires - 60_000
    )
    assert due_at(PolicyKind.AUTOMATIC, just_before) == expires - 1
    assert due_at(PolicyKind.AUTOMATIC, at_expiry) is None


def test_a_manual_failure_before_refresh_from_does_not_make_automatic_early() -> None:
    early = RefreshTiming(
        TIMING.refresh_from, TIMING.refresh_expires, T0, attempts=1, last_attempt_ms=T0 + 10
    )
    assert due_at(PolicyKind.AUTOMATIC, early) == TIMING.refresh_from


def test_interval_defaults_to_five_minutes_after_the_identity_was_stored() -> None:
    assert DEFAULT_INTERVAL_MS == 300_000
    assert due_at(PolicyKind.INTERVAL, TIMING) == T0 + 300_000


def test_interval_ignores_refresh_from_and_counts_from_the_last_failed_attempt() -> None:
    failed = RefreshTiming(
        TIMING.refresh_from, TIMING.refresh_expires, T0, attempts=2, last_attempt_ms=T0 + 700_000
    )
    assert due_at(PolicyKind.INTERVAL, failed, interval_ms=60_000) == T0 + 760_000


def test_interval_stops_at_refresh_expires() -> None:
    short = RefreshTiming(T0 + 10, T0 + 200_000, T0)
    assert due_at(PolicyKind.INTERVAL, short) is None


def test_a_returning_user_refreshes_only_between_refresh_from_and_refresh_expires() -> None:
    assert not returning_user_refreshes(TIMING, TIMING.refresh_from - 1)
    assert returning_user_refreshes(TIMING, TIMING.refresh_from)
    assert not returning_user_refreshes(TIMING, TIMING.refresh_expires)


def test_an_interval_of_one_millisecond_is_a_valid_interval() -> None:
    assert due_at(PolicyKind.INTERVAL, TIMING, interval_ms=1) == T0 + 1


@pytest.mark.parametrize("interval_ms", [0, -60_000])
def test_an_interval_that_is_not_positive_is_refused_in_words(interval_ms: int) -> None:
    with pytest.raises(ValueError, match=r"^a refresh interval must be positive$"):
        due_at(PolicyKind.INTERVAL, TIMING, interval_ms=interval_ms)


def test_an_interval_after_failures_with_no_attempt_time_counts_from_the_identity() -> None:
    timing = RefreshTiming(
        refresh_from=TIMING.refresh_from,
        refresh_expires=TIMING.refresh_expires,
        identity_set_ms=T0,
        attempts=2,
        last_attempt_ms=None,
    )
    assert due_at(PolicyKind.INTERVAL, timing, interval_ms=60_000) == T0 + 60_000


def test_automatic_after_failures_with_no_attempt_time_waits_for_refresh_from() -> None:
    timing = RefreshTiming(
        refresh_from=TIMING.refresh_from,
        refresh_expires=TIMING.refresh_expires,
        identity_set_ms=T0,
        attempts=3,
        last_attempt_ms=None,
    )
    assert due_at(PolicyKind.AUTOMATIC, timing) == TIMING.refresh_from


def test_an_interval_with_no_failure_counts_from_the_identity_not_an_old_attempt() -> None:
    timing = RefreshTiming(
        refresh_from=TIMING.refresh_from,
        refresh_expires=TIMING.refresh_expires,
        identity_set_ms=T0 + 10_000,
        attempts=0,
        last_attempt_ms=T0,
    )
    assert due_at(PolicyKind.INTERVAL, timing, interval_ms=60_000) == T0 + 70_000
