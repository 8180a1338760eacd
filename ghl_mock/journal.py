"""The request journal: a bounded ring buffer of what the mock answered and why."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: int
    at: str  # ISO 8601, UTC
    method: str
    path: str
    query: str
    status: int | None  # None: the connection was dropped or the client went away
    durationMs: float
    session: str
    client: str | None
    authorization: str | None  # masked
    version: str | None
    rule: str | None
    reason: str | None
    step: str | None  # "scenario/step-number" when a scenario step answered

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class JournalFilter:
    path: str | None = None  # substring of the path
    method: str | None = None
    status: int | None = None
    session: str | None = None
    step: str | None = None  # a scenario name (any of its steps), or "scenario/2"

    def accepts(self, entry: JournalEntry) -> bool:
        return (
            (self.path is None or self.path in entry.path)
            and (self.method is None or self.method.upper() == entry.method)
            and (self.status is None or self.status == entry.status)
            and (self.session is None or self.session == entry.session)
            and (self.step is None or _step_matches(self.step, entry.step))
        )

    def differences(self, entry: JournalEntry) -> list[str]:
        """Why ``entry`` does not match, one phrase per differing field (for near-miss reports)."""
        out = []
        if self.path is not None and self.path not in entry.path:
            out.append(f"path {entry.path!r} does not contain {self.path!r}")
        if self.method is not None and self.method.upper() != entry.method:
            out.append(f"method {entry.method} is not {self.method.upper()}")
        if self.status is not None and self.status != entry.status:
            out.append(f"status {entry.status} is not {self.status}")
        if self.session is not None and self.session != entry.session:
            out.append(f"session {entry.session!r} is not {self.session!r}")
        if self.step is not None and not _step_matches(self.step, entry.step):
            out.append(f"step {entry.step!r} is not {self.step!r}")
        return out


def _step_matches(wanted: str, step: str | None) -> bool:
    """``scenario/2`` matches that step exactly; ``scenario`` matches any of its steps."""
    if step is None:
        return False
    return step == wanted or ("/" not in wanted and step.split("/", 1)[0] == wanted)


#: What the recorder stores per request: ``JournalEntry``'s fields in order, with ``at`` as epoch
#: seconds. Entries are built (and ``at`` formatted) only when the journal is read: recording is
#: on every request's path, reading is not.
Raw = tuple[
    int, float, str, str, str, int | None, float, str, str | None, str | None, str | None, str | None, str | None,
    str | None,
]  # fmt: skip


def _entry(raw: Raw) -> JournalEntry:
    at = datetime.fromtimestamp(raw[1], UTC).isoformat(timespec="milliseconds")
    return JournalEntry(raw[0], at, *raw[2:])


class Journal:
    def __init__(self, size: int):
        self._lock = threading.Lock()
        self._entries: deque[Raw] = deque(maxlen=size)
        self._ids = itertools.count(1)
        #: Bumped by every clear: a request that began before a reset and ends after it (a slow
        #: one, a test that timed out) is not journaled into the next test's journal.
        self.generation = 0

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def next_id(self) -> tuple[int, int]:
        """A new entry's id, and the generation it belongs to (pass both to ``add``)."""
        with self._lock:
            return next(self._ids), self.generation

    def add(self, raw: Raw, generation: int | None = None) -> None:
        """Append ``raw``, unless the journal was cleared since its id was taken."""
        with self._lock:
            if generation is None or generation == self.generation:
                self._entries.append(raw)

    def clear(self) -> None:
        """Forget every entry; ids start again at 1, and requests still in flight stay out."""
        with self._lock:
            self._entries.clear()
            self._ids = itertools.count(1)
            self.generation += 1

    def entries(self, where: JournalFilter | None = None, limit: int | None = None) -> list[JournalEntry]:
        """Newest first."""
        with self._lock:
            snapshot = list(self._entries)
        out = [e for e in map(_entry, reversed(snapshot)) if where is None or where.accepts(e)]
        return out[:limit] if limit is not None else out

    def count(self, where: JournalFilter) -> int:
        return len(self.entries(where))
