"""The mock's one mutable state object, with a reset. Everything a request can change lives here:
OAuth grants, used consent states, scenario positions, and the request journal. All are bounded,
so a long run cannot grow memory without limit.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from mock_server.fixtures import TiktokProfile
from mock_server.journal import Journal
from mock_server.scenarios.engine import ScenarioEngine

#: At most this many grants are remembered; the oldest is forgotten first.
MAX_GRANTS = 10_000
MAX_USED_STATES = 10_000


@dataclass(frozen=True, slots=True)
class Grant:
    """One completed OAuth authorization: what ``accountId`` names."""

    account_id: str
    platform: str
    location_id: str
    user_id: str
    profiles: tuple[TiktokProfile, ...]
    created_at: float


def new_account_id() -> str:
    """24 hex characters, the shape of HighLevel's (MongoDB ObjectId) account ids."""
    return secrets.token_hex(12)


class MockState:
    def __init__(self, engine: ScenarioEngine | None = None, journal: Journal | None = None):
        self._lock = threading.Lock()
        self._grants: OrderedDict[str, Grant] = OrderedDict()
        self._used_states: OrderedDict[str, None] = OrderedDict()
        self.engine = engine or ScenarioEngine({})
        self.journal = journal or Journal(1000)
        #: Tracebacks of exceptions raised while serving requests (the newest 100), until reset.
        self._errors: deque[str] = deque(maxlen=100)
        #: Set when the server begins a graceful shutdown: scripted waits end at once, so every
        #: request in flight gets its answer before the server stops.
        self.stopping = threading.Event()

    def reset(self, session: str | None = None) -> None:
        """Forget everything requests have changed; with ``session``, only that session's positions."""
        if session is not None:
            self.engine.reset(session)
            return
        with self._lock:
            self._grants.clear()
            self._used_states.clear()
            self._errors.clear()
        self.engine.reset()
        self.journal.clear()

    def add_grant(
        self, platform: str, location_id: str, user_id: str, profiles: tuple[TiktokProfile, ...], *, store: bool = True
    ) -> Grant:
        """A new grant; with ``store=False`` its id is never known to the accounts endpoint."""
        grant = Grant(new_account_id(), platform, location_id, user_id, profiles, time.time())
        if store:
            with self._lock:
                self._grants[grant.account_id] = grant
                while len(self._grants) > MAX_GRANTS:
                    self._grants.popitem(last=False)
        return grant

    def record_error(self, text: str) -> None:
        with self._lock:
            self._errors.append(text)

    def take_errors(self) -> list[str]:
        """The recorded exceptions, oldest first; they are forgotten once taken."""
        with self._lock:
            errors = list(self._errors)
            self._errors.clear()
            return errors

    def grant(self, account_id: str) -> Grant | None:
        with self._lock:
            return self._grants.get(account_id)

    def use_state(self, nonce: str) -> bool:
        """Mark a consent state as used; False if it already was (a replayed finish)."""
        with self._lock:
            if nonce in self._used_states:
                return False
            self._used_states[nonce] = None
            while len(self._used_states) > MAX_USED_STATES:
                self._used_states.popitem(last=False)
            return True
