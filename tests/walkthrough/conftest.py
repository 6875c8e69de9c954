"""Fixtures: the real operator's exchanges, recorded once per session (see tests.journal)."""

from __future__ import annotations

from tests.journal.recorded import recorded

__all__ = ["recorded"]
