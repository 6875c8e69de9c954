"""The ``Date`` header follows the operator's clock to the second, formatted once a second."""

from __future__ import annotations

from uid2_desk.operator.http.response_writer import DateHeader


def test_the_date_is_the_clocks_second_in_http_format() -> None:
    dates = DateHeader()
    assert dates.at(0) == b"Thu, 01 Jan 1970 00:00:00 GMT"
    assert dates.at(1_767_225_600_999) == b"Thu, 01 Jan 2026 00:00:00 GMT"


def test_within_one_second_the_same_value_is_reused_and_the_next_second_changes_it() -> None:
    dates = DateHeader()
    first = dates.at(1_767_225_600_000)
    assert dates.at(1_767_225_600_999) is first
    assert dates.at(1_767_225_601_000) == b"Thu, 01 Jan 2026 00:00:01 GMT"


def test_a_clock_moved_back_gets_its_own_date() -> None:
    dates = DateHeader()
    dates.at(1_767_225_601_000)
    assert dates.at(1_767_225_600_500) == b"Thu, 01 Jan 2026 00:00:00 GMT"
    assert dates.at(-500) == b"Wed, 31 Dec 1969 23:59:59 GMT"
