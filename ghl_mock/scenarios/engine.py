"""Which scenario step answers a request: per-session cursors, advanced atomically.

Each (session, scenario) pair has a cursor: the current step and how many requests it has
answered. A request consults the selected scenarios in order; the first whose current step
matches it consumes that step (under one lock, so concurrent requests each get their own step,
in order). A request that matches no current step is answered normally and consumes nothing.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ghl_mock.errors import MockUsageError
from ghl_mock.operations import KINDS
from ghl_mock.scenarios.loader import LoadedScenario
from ghl_mock.scenarios.model import Delay, Match, Step

DEFAULT_SESSION = "default"
#: What ``endpoint: any`` matches: HighLevel's API operations. The browser pages match only by name.
API_ENDPOINTS = KINDS
#: At most this many (session, scenario) cursors are kept until a reset. None is ever forgotten (a
#: forgotten cursor would replay its scenario from step 1): a new session beyond the limit gets
#: the mock's own 400 telling the user to reset between tests. Session names are capped at
#: pipeline.MAX_SESSION_KEY characters, so the table stays bounded in bytes too.
MAX_CURSORS = 10_000


class SessionsFull(MockUsageError):
    """No room for another session's position in a scenario."""


@dataclass(frozen=True, slots=True)
class RequestView:
    endpoint: str  # an operation kind, or a browser page (consent, finish)
    method: str
    query: Sequence[tuple[str, str]]
    headers: Mapping[str, str]  # lower-case names
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    scenario: str
    index: int  # 0-based
    step: Step
    delay_seconds: float

    @property
    def label(self) -> str:
        """What the ``X-Ghl-Mock-Step`` header says: ``scenario/step-number``."""
        return f"{self.scenario}/{self.index + 1}"


@dataclass(slots=True)
class _Cursor:
    index: int = 0
    used: int = 0


def matches(match: Match, request: RequestView) -> bool:
    if match.endpoint == "any":
        if request.endpoint not in API_ENDPOINTS:
            return False
    elif match.endpoint != request.endpoint:
        return False
    if match.method is not None and match.method != request.method:
        return False
    if match.platform is not None and match.platform != request.platform:
        return False
    query = dict(request.query)
    for name, wanted in match.query.items():
        if name not in query or (wanted != "*" and query[name] != wanted):
            return False
    for name, wanted in match.headers.items():
        value = request.headers.get(name.lower())
        if value is None or (wanted != "*" and value != wanted):
            return False
    return True


class ScenarioEngine:
    def __init__(self, scenarios: Mapping[str, LoadedScenario], active: Iterable[str] = (), seed: int | None = None):
        self._lock = threading.Lock()
        self._scenarios = dict(scenarios)
        self._initial_active = list(active)
        self._active = list(self._initial_active)
        self._cursors: OrderedDict[tuple[str, str], _Cursor] = OrderedDict()
        self._seed = seed
        self._rng = random.Random(seed)  # noqa: S311 - latency jitter, not security

    # --- definitions ------------------------------------------------------------------------

    @property
    def scenarios(self) -> dict[str, LoadedScenario]:
        with self._lock:
            return dict(self._scenarios)

    def replace(self, scenarios: Mapping[str, LoadedScenario]) -> None:
        """Swap in reloaded definitions (run-time scenarios stay); cursors of scenarios whose steps
        changed start over."""
        with self._lock:
            scenarios = {
                **{n: loaded for n, loaded in self._scenarios.items() if loaded.runtime and n not in scenarios},
                **scenarios,
            }
            changed = {
                name
                for name in set(self._scenarios) | set(scenarios)
                if name not in scenarios
                or name not in self._scenarios
                or scenarios[name].scenario != self._scenarios[name].scenario
            }
            self._scenarios = dict(scenarios)
            for key in [k for k in self._cursors if k[1] in changed]:
                del self._cursors[key]
            # An active scenario whose file is briefly gone (an editor's save) stays active: it
            # applies again as soon as the file is back.

    def add(self, loaded: LoadedScenario) -> bool:
        """Add (or replace) a run-time scenario; True when one of that name was replaced (its
        positions start over). A name read from a file is refused with ``ValueError``."""
        with self._lock:
            current = self._scenarios.get(loaded.name)
            if current is not None and not current.runtime:
                raise ValueError(f"the name {loaded.name!r} is taken by {current.file}")
            self._scenarios[loaded.name] = loaded
            for key in [k for k in self._cursors if k[1] == loaded.name]:
                del self._cursors[key]
            return current is not None

    def remove(self, name: str) -> None:
        """Remove a run-time scenario (``KeyError``: unknown; ``ValueError``: read from a file)."""
        with self._lock:
            self._require(name)
            if not self._scenarios[name].runtime:
                raise ValueError(f"{name!r} is read from {self._scenarios[name].file}; remove the file instead")
            self._drop(name)

    def _drop(self, name: str) -> None:
        del self._scenarios[name]
        if name in self._active:
            self._active.remove(name)
        for key in [k for k in self._cursors if k[1] == name]:
            del self._cursors[key]

    # --- selection --------------------------------------------------------------------------

    @property
    def has_active(self) -> bool:
        """Whether any scenario is active (read without the lock: a list's truth is atomic)."""
        return bool(self._active)

    @property
    def active(self) -> list[str]:
        with self._lock:
            return list(self._active)

    def activate(self, name: str) -> None:
        with self._lock:
            self._require(name)
            if name not in self._active:
                self._active.append(name)

    def deactivate(self, name: str) -> None:
        with self._lock:
            self._require(name)
            if name in self._active:
                self._active.remove(name)
            for key in [k for k in self._cursors if k[1] == name]:
                del self._cursors[key]

    def knows(self, name: str) -> bool:
        with self._lock:
            return name in self._scenarios

    def _require(self, name: str) -> None:
        if name not in self._scenarios:
            raise KeyError(name)

    # --- state ------------------------------------------------------------------------------

    def reset(self, session: str | None = None) -> None:
        """Rewind every cursor, remove run-time scenarios and restore the start-up active set; or
        rewind only one session's cursors."""
        with self._lock:
            if session is None:
                for name in [n for n, loaded in self._scenarios.items() if loaded.runtime]:
                    self._drop(name)
                self._cursors.clear()
                self._active = [name for name in self._initial_active if name in self._scenarios]
                self._rng = random.Random(self._seed)  # noqa: S311
            else:
                for key in [k for k in self._cursors if k[0] == session]:
                    del self._cursors[key]

    def positions(self) -> list[dict[str, object]]:
        """Where every session stands in every scenario (for the dashboard and the control API)."""
        with self._lock:
            out: list[dict[str, object]] = []
            for (session, name), cursor in self._cursors.items():
                loaded = self._scenarios.get(name)
                if loaded is None:
                    continue
                steps = loaded.scenario.steps
                out.append(
                    {
                        "scenario": name,
                        "session": session,
                        "step": min(cursor.index + 1, len(steps)),
                        "steps": len(steps),
                        "usedInStep": cursor.used,
                        "exhausted": cursor.index >= len(steps),
                    }
                )
            return out

    # --- the decision -----------------------------------------------------------------------

    def decide(self, request: RequestView, session: str, only: str | None = None) -> Decision | None:
        """The step that answers ``request`` (consuming it), or None: answer normally."""
        with self._lock:
            names = [only] if only is not None else self._active
            for name in names:
                loaded = self._scenarios.get(name)
                if loaded is None:
                    continue
                decision = self._consume(loaded, session, request)
                if decision is not None:
                    return decision
            return None

    def _consume(self, loaded: LoadedScenario, session: str, request: RequestView) -> Decision | None:
        steps = loaded.scenario.steps
        key = (session, loaded.name)
        cursor = self._cursors.get(key)
        if cursor is None:
            if len(self._cursors) >= MAX_CURSORS and matches(steps[0].match, request):
                raise SessionsFull(
                    f"ghl-mock keeps scenario positions for at most {MAX_CURSORS} sessions until a reset, and"
                    f" all are in use; reset between tests (POST /__mock/reset) to run scenario {loaded.name!r}"
                    " for a new session"
                )
            cursor = _Cursor()
        index = cursor.index
        if index >= len(steps):
            if loaded.scenario.when_exhausted == "fall_through":
                return None
            index = len(steps) - 1
        step = steps[index]
        if not matches(step.match, request):
            return None
        if cursor.index < len(steps) and step.repeat != "forever":
            cursor.used += 1
            if cursor.used >= step.repeat:
                cursor.index += 1
                cursor.used = 0
        self._cursors[key] = cursor
        return Decision(loaded.name, index, step, self._delay(step.delay))

    def _delay(self, delay: Delay | None) -> float:
        if delay is None:
            return 0.0
        if delay.fixed_ms is not None:
            return delay.fixed_ms / 1000
        assert delay.min_ms is not None and delay.max_ms is not None
        return self._rng.uniform(delay.min_ms, delay.max_ms) / 1000
