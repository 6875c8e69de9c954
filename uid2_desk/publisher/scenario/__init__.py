"""Scenarios: declarative walks through a flow (TOML files), checked step by step.

- :mod:`.model`: :class:`Scenario`, :class:`Step`, :class:`Caption`, :class:`Expectation`.
- :mod:`.loader`: :func:`load_all`, :func:`find_scenario`, :func:`load_scenario` (the schema).
- :mod:`.player`: :class:`ScenarioPlayer` on a :class:`Stage` (:mod:`.stage`); results in
  :mod:`.results`.
- :mod:`.waits`: :func:`deadline_ms` and :func:`landing_ms`, where a ``wait`` step waits to.
"""

from uid2_desk.publisher.scenario.loader import find_scenario, load_all, load_scenario
from uid2_desk.publisher.scenario.model import (
    Action,
    Caption,
    Expectation,
    LocalFeature,
    Scenario,
    Step,
)
from uid2_desk.publisher.scenario.player import ScenarioPlayer
from uid2_desk.publisher.scenario.results import Check, StepResult, StepStatus
from uid2_desk.publisher.scenario.stage import LocalAdmin, Stage
from uid2_desk.publisher.scenario.waits import deadline_ms, landing_ms

__all__ = [
    "Action",
    "Caption",
    "Check",
    "Expectation",
    "LocalAdmin",
    "LocalFeature",
    "Scenario",
    "ScenarioPlayer",
    "Stage",
    "Step",
    "StepResult",
    "StepStatus",
    "deadline_ms",
    "find_scenario",
    "landing_ms",
    "load_all",
    "load_scenario",
]
