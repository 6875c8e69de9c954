"""Colours and words for states and environments: the one place the desk's palette lives.

Everything here is a pure function of a value (a user state, an environment kind), so the
panels, the users list, the status bar and the screenshot tests agree on what "opted out"
looks like. States and kinds are matched by their string value, which keeps this module free
of imports from the publisher and client layers (the window paints before those load).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from uid2_desk.resources import resource_path


@dataclass(frozen=True)
class Swatch:
    """A badge's look.

    Attributes:
        label: the words shown on the badge.
        background: fill colour, ``#rrggbb``.
        foreground: text colour, ``#rrggbb`` (chosen for contrast on ``background``).
        explanation: one sentence for tooltips and the identity panel.
    """

    label: str
    background: str
    foreground: str
    explanation: str


_WHITE = "#ffffff"

_STATE_SWATCHES: tuple[tuple[str, Swatch], ...] = (
    (
        "no_identity",
        Swatch("No identity", "#6b7280", _WHITE, "Not signed in: no tokens are held."),
    ),
    (
        "established",
        Swatch("Established", "#15803d", _WHITE, "Signed in: the advertising token is fresh."),
    ),
    (
        "refreshed",
        Swatch("Refreshed", "#0f766e", _WHITE, "The identity was refreshed and is fresh."),
    ),
    (
        "refresh_due",
        Swatch(
            "Refresh due",
            "#b45309",
            _WHITE,
            "refresh_from has passed: the token still works but should be refreshed now.",
        ),
    ),
    (
        "expired",
        Swatch(
            "Expired",
            "#c2410c",
            _WHITE,
            "The advertising token expired; a refresh can still bring the identity back.",
        ),
    ),
    (
        "refresh_expired",
        Swatch(
            "Refresh expired",
            "#b91c1c",
            _WHITE,
            "The refresh token expired too: the user must sign in again.",
        ),
    ),
    (
        "opted_out",
        Swatch(
            "Opted out",
            "#7e22ce",
            _WHITE,
            "The user opted out of UID2: no token may be generated or used for them.",
        ),
    ),
    (
        "invalid",
        Swatch("Invalid", "#991b1b", _WHITE, "The stored identity cannot be used."),
    ),
)

_ENVIRONMENT_SWATCHES: tuple[tuple[str, Swatch], ...] = (
    (
        "local",
        Swatch("LOCAL", "#166534", _WHITE, "The embedded local operator: safe to try anything."),
    ),
    (
        "integ",
        Swatch("INTEG", "#1d4ed8", _WHITE, "The UID2 integration environment: test data only."),
    ),
    (
        "prod",
        Swatch(
            "PRODUCTION",
            "#b91c1c",
            _WHITE,
            "A real production operator: every call counts against real data.",
        ),
    ),
    (
        "custom",
        Swatch("CUSTOM", "#6d28d9", _WHITE, "An operator at a URL you entered."),
    ),
)

_UNKNOWN = Swatch("Unknown", "#374151", _WHITE, "An unknown state.")

#: Colours of the banner by notice level.
BANNER_COLOURS: tuple[tuple[str, str, str], ...] = (
    ("error", "#fee2e2", "#7f1d1d"),
    ("warning", "#fef3c7", "#78350f"),
    ("info", "#dbeafe", "#1e3a8a"),
)


def state_swatch(state: str) -> Swatch:
    """Return the badge for a user state (a ``UserState`` value)."""
    key = str(getattr(state, "value", state))
    return next((s for k, s in _STATE_SWATCHES if k == key), _UNKNOWN)


def environment_swatch(kind: str) -> Swatch:
    """Return the chip for an environment kind (an ``EnvironmentKind`` value)."""
    key = str(getattr(kind, "value", kind))
    return next((s for k, s in _ENVIRONMENT_SWATCHES if k == key), _UNKNOWN)


def banner_colours(level: str) -> tuple[str, str]:
    """Return (background, foreground) for a banner of ``level`` (error, warning, info)."""
    return next(((bg, fg) for k, bg, fg in BANNER_COLOURS if k == level), ("#e5e7eb", "#111827"))


#: The frame around the panels: window background, panel fill, borders, words.
WINDOW = "#f8fafc"
PANEL = "#ffffff"
BORDER = "#cbd5e1"
TITLE_TEXT = "#334155"
HINT_TEXT = "#475569"
TEXT = "#0f172a"
TOOLBAR = "#f1f5f9"
STATUS_BAR = "#e2e8f0"
HEADER = "#e2e8f0"
#: Selected rows of the log and the users list: a light blue that keeps the text dark.
ROW_SELECTION = "#bfdbfe"
#: Inputs: focus and selection.
FOCUS = "#2563eb"
#: The primary button (Sign in, Play...): enabled fill, disabled fill, disabled words.
PRIMARY = "#1d4ed8"
PRIMARY_BORDER = "#1e40af"
PRIMARY_DISABLED = "#93c5fd"
PRIMARY_DISABLED_TEXT = "#eff6ff"
#: Words that say something went wrong, or right.
ERROR_TEXT = "#b91c1c"
OK_TEXT = "#166534"
WARNING_TEXT = "#b45309"
#: The fill of an input whose contents the normaliser refused.
INVALID_FILL = "#fee2e2"
#: The badge of a user whose identity a web page's UID2 client holds (users list, identity
#: panel): sky blue, white words (5.9:1), apart from every state's colour.
BROWSER_HELD_LABEL = "Held by the browser"
BROWSER_HELD = "#0369a1"
BROWSER_HELD_TEXT = "#ffffff"
#: The family of the monospaced text (tokens, countdowns, JSON).
MONO_FAMILY = "DejaVu Sans Mono"


def icon_path(name: str) -> Path:
    """Where the SVG icon ``name`` (without extension) lives."""
    return resource_path("icons", f"{name}.svg")
