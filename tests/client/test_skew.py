"""Clock skew: measured from the reply's clock, and warned of as it nears the operator's window."""

from __future__ import annotations

import pytest

from uid2_desk.client.skew import SkewLevel, assess_skew, skew_warning
from uid2_desk.protocol.exchange import Exchange, Timings


@pytest.mark.parametrize(
    ("skew_ms", "level"),
    [
        (0, SkewLevel.OK),
        (45_000, SkewLevel.OK),
        (-45_000, SkewLevel.OK),
        (45_001, SkewLevel.WARNING),
        (-59_000, SkewLevel.WARNING),
        (60_000, SkewLevel.WARNING),
        (60_001, SkewLevel.ERROR),
        (-90_000, SkewLevel.ERROR),
        (3_600_000, SkewLevel.ERROR),
    ],
)
def test_skew_levels_follow_the_45_and_60_second_marks(skew_ms: int, level: SkewLevel) -> None:
    assert assess_skew(skew_ms).level is level


def test_small_skew_needs_no_warning() -> None:
    assert skew_warning(None) is None
    assert skew_warning(1_200) is None


def test_warning_says_which_way_and_how_far_and_what_to_do() -> None:
    ahead = skew_warning(50_000)
    assert ahead is not None
    assert "50.0 s ahead of" in ahead
    assert "NTP" in ahead
    assert "about 2 minutes off" in ahead
    behind = skew_warning(-75_500)
    assert behind is not None
    assert "75.5 s behind" in behind
    assert "Invalid timestamp" in behind


def _reply(
    *,
    started_ms: int,
    server_time_ms: int | None = None,
    date: str | None = None,
    total_ms: float = 1.0,
) -> Exchange:
    """An exchange's clock fields only: the skew needs nothing else."""
    return Exchange(
        endpoint="/v2/token/refresh",
        url="http://operator.local/v2/token/refresh",
        started_ms=started_ms,
        timings=Timings(total_ms=total_ms),
        http_status=200,
        server_time_ms=server_time_ms,
        server_date=date,
    )


# 2024-01-01 00:00:00 UTC and the Date header the operator sends 90 s later.
NEW_YEAR_MS = 1_704_067_200_000
NINETY_S_LATER = "Mon, 01 Jan 2024 00:01:30 GMT"


def test_the_envelope_timestamp_gives_the_skew_to_the_millisecond_even_with_a_date() -> None:
    ex = _reply(started_ms=NEW_YEAR_MS, server_time_ms=NEW_YEAR_MS + 1_234, date=NINETY_S_LATER)
    assert ex.clock_skew_ms == 1_234
    assert ex.clock_skew_resolution_ms == 1


@pytest.mark.parametrize("sent_ms_into_the_second", [0, 1, 999])
def test_without_a_timestamp_the_date_header_gives_the_skew_to_the_second(
    sent_ms_into_the_second: int,
) -> None:
    ex = _reply(started_ms=NEW_YEAR_MS + sent_ms_into_the_second, date=NINETY_S_LATER)
    assert ex.server_date_ms == NEW_YEAR_MS + 90_000
    assert ex.clock_skew_ms == 90_000
    assert ex.clock_skew_resolution_ms == 1000


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Sun, 31 Dec 2023 23:59:58 GMT", -2_000),  # behind
        ("Mon, 01 Jan 2024 01:00:05 +0100", 5_000),  # another zone, same instant rules
        ("Mon, 01 Jan 2024 00:00:07 -0000", 7_000),  # "UTC, zone unknown"
        ("Mon, 1 Jan 2024 00:00:00 GMT", 0),
    ],
)
def test_any_rfc_5322_date_is_read_in_its_zone(date: str, expected: int) -> None:
    assert _reply(started_ms=NEW_YEAR_MS + 500, date=date).clock_skew_ms == expected


@pytest.mark.parametrize("date", [None, "", "x", "yesterday at noon", "Mon, 99 Foo 2024"])
def test_no_timestamp_and_no_readable_date_means_no_skew(date: str | None) -> None:
    ex = _reply(started_ms=NEW_YEAR_MS, date=date)
    assert ex.server_date_ms is None
    assert ex.clock_skew_ms is None
    assert ex.clock_skew_resolution_ms is None


def test_a_slow_round_trip_is_not_mistaken_for_skew() -> None:
    """Issue 16: one shared clock read +0.2 s because the latency was counted as skew."""
    ex = _reply(started_ms=NEW_YEAR_MS, server_time_ms=NEW_YEAR_MS + 200, total_ms=400.0)
    assert ex.clock_skew_ms == 0  # the operator read its clock mid-way
    assert ex.clock_skew_uncertainty_ms == 200  # ± half the round trip


def test_the_uncertainty_of_a_date_header_skew_adds_its_second() -> None:
    ex = _reply(started_ms=NEW_YEAR_MS, date=NINETY_S_LATER, total_ms=30.0)
    assert ex.clock_skew_ms == 90_000
    assert ex.clock_skew_uncertainty_ms == 1_015


def test_no_reading_means_no_uncertainty_either() -> None:
    assert _reply(started_ms=NEW_YEAR_MS).clock_skew_uncertainty_ms is None
