"""Messages for people start with a capital letter, whatever the layer below wrote."""

from __future__ import annotations


def sentence(text: str) -> str:
    """``text`` with its first letter capitalised (the rest untouched: names, URLs, codes)."""
    stripped = text.lstrip()
    if not stripped or not stripped[0].islower():
        return stripped
    return stripped[0].upper() + stripped[1:]
