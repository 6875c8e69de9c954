"""The journal's sessions at a glance: id, start, what produced it, how many exchanges.

:meth:`JournalReading.session_infos` answers for every session at once with one ``GROUP BY``
(``uid2-desk sessions`` and the desk's File ▸ Earlier sessions… both read it), and
:meth:`JournalReading.seqs` lists one session's entry numbers: all a paged view needs to know
its length, and to fetch any page later by ``seq``.

What produced a session is written in its id (:func:`~uid2_desk.journal.model.new_session_id`
suffixes): ``…-operator1a2b`` for ``uid2-desk operator``, ``…-proxy…``, ``…-kiosk…``,
``…-scenario…`` for ``uid2-desk run``, anything else for the desk window.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The id suffixes that say what produced a session.
OPERATOR_TAG = "operator"
PROXY_TAG = "proxy"
KIOSK_TAG = "kiosk"
SCENARIO_TAG = "scenario"

_PRODUCERS = (
    (OPERATOR_TAG, "uid2-desk operator"),
    (PROXY_TAG, "uid2-desk proxy"),
    (KIOSK_TAG, "kiosk"),
    (SCENARIO_TAG, "scenario"),
)


def producer_of(session: str) -> str:
    """What wrote ``session``, from its id: the operator or proxy command, kiosk, scenario, desk."""
    suffix = session.rsplit("-", 1)[-1] if "-" in session else ""
    return next((name for tag, name in _PRODUCERS if suffix.startswith(tag)), "desk")


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One session of the journal.

    Attributes:
        session: its id.
        started_ms: the time of its first entry (desk clock, epoch ms).
        last_ms: the time of its newest entry.
        entries: how many entries it holds (exchanges and events).
        exchanges: how many of them are exchanges.
        first_seq: its first entry's number (sessions are ordered by it).
    """

    session: str
    started_ms: int
    last_ms: int
    entries: int
    exchanges: int
    first_seq: int

    @property
    def producer(self) -> str:
        """What produced it (see :func:`producer_of`)."""
        return producer_of(self.session)
