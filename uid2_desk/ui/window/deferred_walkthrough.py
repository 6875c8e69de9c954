"""The desk window's Walkthrough dock, built after the window has painted, not before.

The dock starts hidden, so no paint of the window needs it; building it (a floating dock is a
native window of its own) and importing its module cost about a tenth of the window's
start-up. :class:`DeferredWalkthrough` stands in for it from the start: the window feeds it
the bridge's news, and the dock is built on the first piece of news, the first look at
:attr:`DeferredWalkthrough.dock`, or the idle moment after the whole window has painted,
whichever comes first. Nothing said before is lost: the news that builds the dock is handed
to it at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtWidgets import QMainWindow

    from uid2_desk.journal import JournalEntry
    from uid2_desk.publisher.model import UserSnapshot
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.window.checks_dock import ChecksDock
    from uid2_desk.ui.window.walkthrough_dock import WalkthroughDock
    from uid2_desk.ui.window.walkthrough_links import WalkthroughLinks


class DeferredWalkthrough:
    """Builds the Walkthrough dock of ``window`` on first need and forwards news to it.

    Attributes:
        window: the main window the dock docks into.
        links: the window's slots the dock calls.
        built: whether the dock exists yet.
    """

    def __init__(self, window: QMainWindow, links: WalkthroughLinks) -> None:
        self.window = window
        self.links = links
        self._dock: WalkthroughDock | None = None
        self._checks: ChecksDock | None = None
        self._services: DeskServices | None = None

    @property
    def built(self) -> bool:
        """Whether the dock exists yet."""
        return self._dock is not None

    @property
    def dock(self) -> WalkthroughDock:
        """The dock, built (and added to the window's View menu) on first use."""
        if self._dock is None:
            from uid2_desk.ui.window.walkthrough_dock import install_walkthrough

            self._dock = install_walkthrough(self.window, self.links)
        return self._dock

    @property
    def checks(self) -> ChecksDock:
        """The Checks dock, tabbed with this one, built with it."""
        if self._checks is None:
            from uid2_desk.ui.window.checks_dock import install_checks

            _ = self.dock  # first, so the Checks dock can tab with it
            services_of = lambda: self._services  # noqa: E731 (read when a run starts)
            self._checks = install_checks(self.window, services_of, self.links.open_entry)
        return self._checks

    def build(self) -> None:
        """Build the docks now (the window calls this once it has painted)."""
        _ = self.checks

    def add_entries(self, entries: Sequence[JournalEntry]) -> None:
        """Journal entries of the session, in order: the diagram draws them."""
        self.dock.add_entries(entries)
        self.checks.refresher.poke()

    def show_user(self, snapshot: UserSnapshot) -> None:
        """A user changed: the opt-out lab follows its user."""
        if self._dock is not None:
            self._dock.show_user(snapshot)

    def attach(self, services: DeskServices) -> None:
        """The services are ready: the player and the lab work on them."""
        self._services = services
        self.dock.attach(services)
        self.checks.refresher.poke()

    def detach(self) -> None:
        """The services stop: stop what runs in the dock and clear the diagram."""
        self._services = None
        if self._checks is not None:
            self._checks.refresher.cancel()
        if self._dock is not None:
            self._dock.detach()
