"""A text filter's FTS matches: found through a selective piece, kept for the next call.

Two costs are cut here, both measured over 1,000,000 entries:

- **Common trigrams.** A phrase lookup costs about as much as its commonest trigrams: every
  entry holds ``exa``, ``com``, ``@ex``..., so ``"user4321@example.com"`` took ~30 ms while
  ``"4321@"`` took 0.2 ms. So each word is cut into five-character windows, and a few are
  probed (``LIMIT`` :data:`PROBE_LIMIT`, so a common window stops early; windows with digits,
  usually the rare ones, first). When one is selective, it alone is looked up in the index
  and every word is then checked with ``instr()`` on those few candidates, which is exact:
  a trigram phrase is a substring match of the lower-cased ``search`` column.
- **Asking twice.** The log asks for the count and then the newest page of the same filter.
  The matches go into a temporary table of this connection and the next call is answered from
  there while the journal is unchanged (``PRAGMA data_version`` for other connections'
  commits, ``total_changes`` for this one's). More than :data:`MAX_KEPT` matches are not
  kept (copying them would cost more than it saves); those go through the subquery each time.
"""

from __future__ import annotations

import sqlite3

#: The most matches kept; a lookup with more is answered by the FTS subquery each time.
MAX_KEPT = 10_000
#: A probed window with fewer matches than this is selective enough to look up alone.
PROBE_LIMIT = 2_000
#: The most windows probed for one filter (each probe costs well under a millisecond).
MAX_PROBES = 8
#: Window length: three trigrams.
WINDOW = 5

_KEPT = "e.seq IN (SELECT seq FROM temp.uid2_fts_hits)"


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _match(words: tuple[str, ...]) -> str:
    return " AND ".join(_phrase(w) for w in words)


def fts_subquery(words: tuple[str, ...]) -> tuple[str, list[object]]:
    """The FTS condition run afresh: every word a phrase of the trigram index."""
    return "e.seq IN (SELECT rowid FROM entry_fts WHERE entry_fts MATCH ?)", [_match(words)]


def _windows(words: tuple[str, ...]) -> list[str]:
    """Windows of the words, the likely rare ones (with digits) first, no repeats."""
    found: dict[str, None] = {}
    for word in words:
        if len(word) <= WINDOW:
            found[word] = None
        for start in range(len(word) - WINDOW + 1):
            found[word[start : start + WINDOW]] = None
    return sorted(found, key=lambda w: not any(c.isdigit() for c in w))


class FtsHits:
    """The FTS condition for a filter's long words, from kept matches when still valid."""

    def __init__(self, db: sqlite3.Connection) -> None:
        """Keep lookups for ``db`` (used only on its own thread, like the connection)."""
        self._db = db
        self._created = False
        self._key: tuple[tuple[str, ...], int, int] | None = None

    def _state(self, words: tuple[str, ...]) -> tuple[tuple[str, ...], int, int]:
        (version,) = self._db.execute("PRAGMA data_version").fetchone()
        return (words, int(version), self._db.total_changes)

    def _selective_window(self, words: tuple[str, ...]) -> str | None:
        best: tuple[int, str] | None = None
        for window in _windows(words)[:MAX_PROBES]:
            (n,) = self._db.execute(
                "SELECT count(*) FROM (SELECT rowid FROM entry_fts WHERE entry_fts MATCH ?"
                " LIMIT ?)",
                (_phrase(window), PROBE_LIMIT),
            ).fetchone()
            if best is None or n < best[0]:
                best = (n, window)
            if n < PROBE_LIMIT // 10:
                break
        return best[1] if best is not None and best[0] < PROBE_LIMIT else None

    def condition(self, words: tuple[str, ...]) -> tuple[str, list[object]]:
        """SQL (on alias ``e``) selecting the entries whose search text holds every word."""
        if self._key is not None and self._key == self._state(words):
            return _KEPT, []
        if not self._created:
            self._db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS uid2_fts_hits (seq INTEGER PRIMARY KEY)"
            )
            self._created = True
        self._db.execute("DELETE FROM temp.uid2_fts_hits")
        window = self._selective_window(words)
        if window is None:
            sql = "SELECT rowid FROM entry_fts WHERE entry_fts MATCH ? LIMIT ?"
            params: list[object] = [_match(words), MAX_KEPT + 1]
        else:  # the few candidates of one window, each word checked exactly
            checks = "".join(" AND instr(e.search, ?) > 0" for _ in words)
            sql = (
                "SELECT e.seq FROM entry e WHERE e.seq IN"
                f" (SELECT rowid FROM entry_fts WHERE entry_fts MATCH ?){checks} LIMIT ?"
            )
            params = [_phrase(window), *words, MAX_KEPT + 1]
        kept = self._db.execute(f"INSERT INTO temp.uid2_fts_hits {sql}", params).rowcount
        if kept > MAX_KEPT:
            self._db.execute("DELETE FROM temp.uid2_fts_hits")
            self._key = None
            return fts_subquery(words)
        self._key = self._state(words)
        return _KEPT, []
