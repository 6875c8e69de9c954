"""The original guides' test addresses are recognised and explained (issue 15)."""

from __future__ import annotations

import pytest

from uid2_desk.protocol.guide_addresses import renamed_test_address


@pytest.mark.parametrize(
    ("typed", "current"),
    [
        ("validate@email.com", "validate@example.com"),
        ("  Validate@Email.COM", "validate@example.com"),
        ("optout@email.com", "optout@example.com"),
    ],
)
def test_an_old_guide_address_is_explained_with_its_replacement(typed: str, current: str) -> None:
    renamed = renamed_test_address(typed)

    assert renamed is not None
    assert renamed.current == current
    text = renamed.explanation()
    assert renamed.old in text
    assert current in text
    assert "October 2023" in text


@pytest.mark.parametrize(
    "typed", ["validate@example.com", "optout@example.com", "jane@email.com", "not an email"]
)
def test_other_addresses_need_no_explanation(typed: str) -> None:
    assert renamed_test_address(typed) is None
