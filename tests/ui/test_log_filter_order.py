"""The log's filter choices list numbered users the way people count them."""

from __future__ import annotations

from tests.ui.entries import exchange_entry
from uid2_desk.ui.log.log_model import ExchangeLogModel
from uid2_desk.ui.log.log_rows import LogRow
from uid2_desk.ui.log.natural_order import naturally_sorted


def test_numbered_users_are_offered_in_counting_order_not_text_order() -> None:
    model = ExchangeLogModel()
    users = ["user-10@example.com", "user-2@example.com", "User-1@example.com", "ann@example.com"]
    model.append_rows(
        [LogRow.from_entry(exchange_entry(i, user=u)) for i, u in enumerate(users, start=1)]
    )

    assert model.users() == [
        "ann@example.com",
        "User-1@example.com",
        "user-2@example.com",
        "user-10@example.com",
    ]


def test_digits_compare_as_numbers_anywhere_and_case_alone_still_orders() -> None:
    names = ["App com.tv2", "App com.tv10", "app com.tv2", "42", "7", "Browser: Prebid.js 11.36"]

    assert naturally_sorted(names) == [
        "7",
        "42",
        "App com.tv2",
        "app com.tv2",
        "App com.tv10",
        "Browser: Prebid.js 11.36",
    ]


def test_a_name_with_thousands_of_digits_sorts_instead_of_breaking_the_filter() -> None:
    huge = "user-" + "9" * 5000 + "@example.com"  # past int()'s 4,300-digit limit
    names = [huge, "user-10@example.com", "user-0010@example.com", "user-9@example.com"]

    ordered = naturally_sorted(names)

    assert ordered[0] == "user-9@example.com"
    assert set(ordered[1:3]) == {"user-10@example.com", "user-0010@example.com"}
    assert ordered[3] == huge
