"""Sorting names the way people count: ``user-2`` before ``user-10``.

Test users and outside clients are often numbered (``user-1@example.com`` ... ``user-12``);
sorted as text, ``user-10`` and ``user-11`` land between ``user-1`` and ``user-2``.
"""

from __future__ import annotations

import re

_RUNS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key: digit runs compare as numbers, the rest as case-folded text."""
    parts = _RUNS.split(text)
    # Even indexes are text, odd ones digits; the leading int keeps text and numbers from
    # ever being compared with each other, and puts numbers first, as text order does. A
    # number compares by its length without leading zeros, then digit by digit: the same
    # order as int() without its limit on digits (a name is whatever a client sent).
    return tuple(
        (0, len(part.lstrip("0")), part.lstrip("0")) if index % 2 else (1, 0, part.casefold())
        for index, part in enumerate(parts)
        if part
    )


def naturally_sorted(names: set[str] | list[str]) -> list[str]:
    """``names`` in natural order (ties, such as case alone, broken by the text itself)."""
    return sorted(names, key=lambda name: (natural_key(name), name))
