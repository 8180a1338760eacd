"""The mock's one mutable state object, with a reset. Everything a request can change lives here.

It holds the OAuth grants the consent flow creates (what the accounts endpoint serves) and the
consent ``state`` values already used. Both are bounded so a long run cannot grow memory.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from mock_server.fixtures import TiktokProfile

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
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._grants: OrderedDict[str, Grant] = OrderedDict()
        self._used_states: OrderedDict[str, None] = OrderedDict()

    def reset(self) -> None:
        """Forget everything requests have changed."""
        with self._lock:
            self._grants.clear()
            self._used_states.clear()

    def add_grant(self, platform: str, location_id: str, user_id: str, profiles: tuple[TiktokProfile, ...]) -> Grant:
        grant = Grant(new_account_id(), platform, location_id, user_id, profiles, time.time())
        with self._lock:
            self._grants[grant.account_id] = grant
            while len(self._grants) > MAX_GRANTS:
                self._grants.popitem(last=False)
        return grant

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
