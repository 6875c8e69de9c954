"""Qt enum values for the code that runs before the desk window's first paint.

In PySide6, the first touch of any member of the ``Qt`` namespace (``Qt.AlignmentFlag``...)
creates all of that namespace's Python enums at once: 95 enums with 1,200 members, about
40 ms and 1 MiB, a seventh of the window's start-up (``tests/benchmarks/bench_ui.py``). So
the window's construction and first paint never touch ``Qt.*``:

- enum-valued properties are set by their keys' names through Qt's property system, as
  ``.ui`` files and QML do (:func:`set_enum_properties`);
- item roles and text flags, which Qt's API takes as plain ints anyway, are the constants
  below (``tests/ui/test_startup.py`` checks them against the enums).

Code that only runs later (slots, painting rows, dialogs) uses the enums as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

#: ``Qt.ItemDataRole`` values: item models receive and return roles as ints.
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
TEXT_ALIGNMENT_ROLE = 7
FOREGROUND_ROLE = 9
ACCESSIBLE_TEXT_ROLE = 11
USER_ROLE = 0x0100

#: ``Qt.AlignmentFlag`` values, for ``QPainter.drawText``'s int flags.
ALIGN_LEFT = 0x0001
ALIGN_RIGHT = 0x0002
ALIGN_HCENTER = 0x0004
ALIGN_VCENTER = 0x0080


def set_enum_properties(target: QObject, **keys: str) -> None:
    """Set enum- or flag-valued Qt properties by their keys' names.

    ``set_enum_properties(label, textFormat="PlainText", alignment="AlignTop|AlignLeft")``
    does what ``label.setTextFormat(Qt.TextFormat.PlainText)`` and ``setAlignment`` do,
    without creating Python enums.

    Raises:
        ValueError: ``target`` has no such property, or it has no such key (a typo).
    """
    for name, value in keys.items():
        if not target.setProperty(name, value):
            raise ValueError(f"{type(target).__name__} has no property {name} = {value}")
