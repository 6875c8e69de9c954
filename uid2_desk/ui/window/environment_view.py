"""The environment, always in sight: a coloured strip under the toolbar and a status chip.

Nobody should mistake production for a test: the strip is the environment's colour across
the whole window (red and ``PRODUCTION`` for prod), and the title bar says it too. At first
paint only the ``--env`` text is known (resolving it loads the client layer, which the first
paint does not wait for), so :meth:`EnvironmentView.preview` reads the name; the real
``Environment`` replaces it as soon as the services are up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from uid2_desk.ui.common.look import Badge, set_colours, set_font
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import environment_swatch

if TYPE_CHECKING:
    from uid2_desk.client.environments import Environment
    from uid2_desk.services import DeskServices


@dataclass(frozen=True)
class EnvironmentView:
    """What the window shows about the environment.

    Attributes:
        id: the ``--env`` name or URL.
        title: the human name (``Local operator``, ``UID2 production (us-east-2, Ohio)``).
        kind: ``local``, ``integ``, ``prod`` or ``custom``.
        base_url: where requests go, once known.
    """

    id: str
    title: str
    kind: str
    base_url: str | None = None

    @classmethod
    def preview(cls, cli_value: str) -> EnvironmentView:
        """A provisional view from the ``--env`` text alone (replaced once resolved)."""
        name = cli_value.strip() or "local"
        if name == "local":
            return cls("local", "Local operator", "local")
        if "://" in name:
            return cls(name, f"Custom ({name})", "custom", name)
        if name.startswith(("prod", "euid-prod")):
            return cls(name, name, "prod")
        return cls(name, name, "integ" if "integ" in name else "custom")

    @classmethod
    def of(cls, environment: Environment) -> EnvironmentView:
        """The view of a resolved environment."""
        return cls(
            environment.id,
            environment.display_name,
            environment.kind.value,
            environment.base_url,
        )

    @property
    def is_local(self) -> bool:
        """True for the embedded local operator."""
        return self.kind == "local"

    @property
    def window_title(self) -> str:
        """``UID2 Desk — <environment>``."""
        return f"UID2 Desk — {self.title}"


class EnvironmentStrip(QWidget):
    """A full-width band in the environment's colour: chip, name, address, lifetimes.

    Attributes:
        view: the environment shown.
    """

    def __init__(self, view: EnvironmentView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environment_strip")
        self.view = view
        self._chip = Badge(self, padding=(10, 2))
        self._chip.setObjectName("environment_chip")
        self._chip.setAccessibleName("Environment")
        self._title = QLabel(self)
        self._title.setObjectName("environment_title")
        set_enum_properties(self._title, textFormat="PlainText")
        self._detail = QLabel(self)
        self._detail.setObjectName("environment_detail")
        set_enum_properties(self._detail, textFormat="PlainText")
        for label in (self._title, self._detail):
            set_font(label, bold=True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self._chip)
        layout.addWidget(self._title)
        layout.addStretch(1)
        layout.addWidget(self._detail)
        self.set_view(view)

    @property
    def chip_text(self) -> str:
        """The chip's words (``LOCAL``, ``PRODUCTION``...)."""
        return self._chip.text()

    @property
    def colour(self) -> str:
        """The band's colour, ``#rrggbb``."""
        return self.palette().color(self.backgroundRole()).name()

    @property
    def detail_text(self) -> str:
        """The address and lifetimes line."""
        return self._detail.text()

    def set_view(self, view: EnvironmentView) -> None:
        """Show ``view``."""
        self.view = view
        swatch = environment_swatch(view.kind)
        # A white chip in the environment's colour, on a band of that colour.
        self._chip.set_badge(swatch.label, swatch.foreground, swatch.background)
        self._chip.setToolTip(swatch.explanation)
        self._title.setText(view.title)
        set_colours(self, text=swatch.foreground, window=swatch.background, fill=True)
        self.setAccessibleName(f"Environment: {swatch.label}, {view.title}")

    def show_proxy(self, kind: str, title: str) -> None:
        """Say the desk's proxy forwards to a ``kind`` environment (``PROXY → INTEG``), in
        that environment's colour; :meth:`set_view` shows the desk's own again."""
        swatch = environment_swatch(kind)
        self._chip.set_badge(f"PROXY → {swatch.label}", swatch.foreground, swatch.background)
        self._chip.setToolTip(f"The desk's proxy forwards to it. {swatch.explanation}")
        self._title.setText(title)
        set_colours(self, text=swatch.foreground, window=swatch.background, fill=True)
        self.setAccessibleName(f"Environment: PROXY → {swatch.label}, {title}")

    def set_detail(self, text: str) -> None:
        """Show the address, lifetimes or start-up progress on the right."""
        self._detail.setText(text)


def describe_operator(services: DeskServices) -> str:
    """The status line once the services are up: where, and with which lifetimes."""
    environment = services.environment
    url = environment.base_url or "in-process"
    operator = services.operator
    if operator is None:
        return f"Connected to {environment.display_name} at {url}"
    life = operator.lifetimes
    return (
        f"Local operator ready at {url} · lifetimes {_span(life.refresh_from_s)} / "
        f"{_span(life.identity_s)} / {_span(life.refresh_s)}"
    )


def _span(seconds: int) -> str:
    if seconds % 86_400 == 0 and seconds >= 7 * 86_400:
        return f"{seconds // 86_400} d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
