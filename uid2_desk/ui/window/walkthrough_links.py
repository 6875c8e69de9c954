"""What the Walkthrough dock may ask of the desk window, as three callables.

A panel never imports the window: the window hands the dock these links when it builds it, so
the dock can report a failure, follow a user the opt-out lab chose, and open an exchange whose
arrow was clicked, without knowing what a window is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WalkthroughLinks:
    """The window's slots the Walkthrough dock calls.

    Attributes:
        show_failure: ``(what, message)``: an action of the dock failed.
        select_user: ``(user_id)``: select that test user in the window.
        open_entry: ``(seq)``: show that journal entry (in the log, else the inspector).
    """

    show_failure: Callable[[str, str], None]
    select_user: Callable[[str], None]
    open_entry: Callable[[int], None]
