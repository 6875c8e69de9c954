"""Clock skew: warnings as the skew approaches the operator's window."""

from __future__ import annotations

import pytest

from uid2_desk.client.skew import SkewLevel, assess_skew, skew_warning


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
    behind = skew_warning(-75_500)
    assert behind is not None
    assert "75.5 s behind" in behind
    assert "Invalid timestamp" in behind
