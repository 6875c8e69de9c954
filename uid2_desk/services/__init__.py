"""Qt-free assembly of a desk (:func:`open_services` → :class:`DeskServices`).

- :mod:`~uid2_desk.services.desk`: opening and closing a desk's parts on any environment.
- :mod:`~uid2_desk.services.local_parts`: what only the local environment has (the operator's
  mode, its admin API for scenarios, the capture of other clients' requests).
"""

from uid2_desk.services.desk import IN_PROCESS_URL, OPERATOR_DIR, DeskServices, open_services
from uid2_desk.services.local_parts import LocalAdminAdapter, OperatorMode, capture_into

__all__ = [
    "IN_PROCESS_URL",
    "OPERATOR_DIR",
    "DeskServices",
    "LocalAdminAdapter",
    "OperatorMode",
    "capture_into",
    "open_services",
]
