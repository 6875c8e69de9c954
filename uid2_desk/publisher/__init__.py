"""The publisher: what a publisher's server does for each test user (design.md §2).

- :class:`Publisher`: sign in, refresh, validate, log out, policies, the user store.
- Values: :class:`TestUser`, :class:`UserSnapshot`, :class:`ChainLink`, :class:`UserState`,
  :class:`PolicyKind`; events :data:`DeskEvent` (:class:`UserChanged`, :class:`UserRemoved`,
  :class:`EntryAppended`, :class:`Notice`, :class:`JournalBehind`).
- :class:`PolicyDriver`: ticks the publisher about once a second.
- :class:`Buyer`: the SSP and a buyer who decrypts the token (:class:`BidResult`).
- Scenarios: :mod:`uid2_desk.publisher.scenario` (:class:`ScenarioPlayer`, :class:`Stage`).
"""

from uid2_desk.publisher.bid import BidResult, Buyer
from uid2_desk.publisher.model import (
    ChainLink,
    DeskEvent,
    EntryAppended,
    JournalBehind,
    Notice,
    NoticeLevel,
    TestUser,
    UserChanged,
    UserRemoved,
    UserSnapshot,
    UserState,
)
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.publisher.refresh.driver import PolicyDriver
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.publisher.scenario import (
    Scenario,
    ScenarioPlayer,
    Stage,
    StepResult,
    StepStatus,
)

__all__ = [
    "BidResult",
    "Buyer",
    "ChainLink",
    "DeskEvent",
    "EntryAppended",
    "JournalBehind",
    "Notice",
    "NoticeLevel",
    "PolicyDriver",
    "PolicyKind",
    "Publisher",
    "Scenario",
    "ScenarioPlayer",
    "Stage",
    "StepResult",
    "StepStatus",
    "TestUser",
    "UserChanged",
    "UserRemoved",
    "UserSnapshot",
    "UserState",
]
