"""The mock's one mutable state object, with a reset. Everything a request can change lives here:
OAuth grants, connected accounts, used consent states, scenario positions, and the request
journal. All are bounded, so a long run cannot grow memory without limit.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from ghl_mock.bounded import Bounded
from ghl_mock.journal import Journal
from ghl_mock.platforms import AccountRecord, DemoItem
from ghl_mock.scenarios.engine import ScenarioEngine

#: At most this many grants are remembered, and at most GRANT_BYTES of them (ids are not capped in
#: length: HighLevel's limit is unknown); the oldest is forgotten first.
MAX_GRANTS = 10_000
GRANT_BYTES = 8 * 1024 * 1024
#: Used consent states are remembered until their state expires. More than this many at once: the
#: oldest is forgotten and every state expiring no later than it is refused from then on (the
#: watermark), so a forgotten state can never complete a second time.
MAX_USED_STATES = 10_000
#: At most this many connected accounts across all locations, and at most ACCOUNT_BYTES of them;
#: the oldest is forgotten first.
MAX_ACCOUNTS = 10_000
ACCOUNT_BYTES = 8 * 1024 * 1024
#: What a stored entry costs beyond its strings (the object, its dict slot), roughly.
ENTRY_OVERHEAD = 256


@dataclass(frozen=True, slots=True)
class Grant:
    """One completed OAuth authorization: what ``accountId`` names."""

    account_id: str
    platform: str
    location_id: str
    user_id: str
    items: tuple[DemoItem, ...]
    created_at: float


@dataclass(frozen=True, slots=True)
class ConnectedAccount:
    """A social account connected to a location: what attach (or, for tiktok-business, an approved
    consent) creates, and what the accounts list shows."""

    #: The list's ``id``: ``<oauthId>_<locationId>_<originId>``, as the spec's example has it.
    id: str
    #: The attach answer's ``_id`` (24 hex).
    record_id: str
    oauth_id: str
    location_id: str
    platform: str
    record: AccountRecord
    created_at: float
    updated_at: float
    #: When the provider token runs out (the grant's time plus 60 days).
    expire: float


#: How long a connected account's provider token lasts before ``isExpired`` (60 days: Facebook's
#: long-lived page tokens; the live value per network is [UNKNOWN]).
ACCOUNT_LIFETIME = 60 * 24 * 3600


def new_account_id() -> str:
    """24 hex characters, the shape of HighLevel's (MongoDB ObjectId) account ids."""
    return secrets.token_hex(12)


def grant_bytes(_: str, grant: Grant) -> int:
    return ENTRY_OVERHEAD + len(grant.account_id) + len(grant.platform) + len(grant.location_id) + len(grant.user_id)


def account_bytes(_: str, account: ConnectedAccount) -> int:
    # The record's own strings come from the fixtures (shared); its ids are the grant's.
    return 2 * ENTRY_OVERHEAD + len(account.id) + len(account.location_id) + len(account.oauth_id)


class MockState:
    def __init__(self, engine: ScenarioEngine | None = None, journal: Journal | None = None):
        self._lock = threading.Lock()
        self._grants: Bounded[str, Grant] = Bounded(MAX_GRANTS, GRANT_BYTES, grant_bytes)
        #: nonce -> when its state expires
        self._used_states: OrderedDict[str, float] = OrderedDict()
        #: States expiring no later than this are refused (see MAX_USED_STATES).
        self._state_watermark = 0.0
        self._accounts: Bounded[str, ConnectedAccount] = Bounded(MAX_ACCOUNTS, ACCOUNT_BYTES, account_bytes)
        #: Caches elsewhere that a full reset also clears (the token verifier's).
        self._on_reset: list[Callable[[], None]] = []
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
            self._state_watermark = 0.0
            self._accounts.clear()
            self._errors.clear()
        self.engine.reset()
        self.journal.clear()
        for clear in self._on_reset:
            clear()

    def on_reset(self, clear: Callable[[], None]) -> None:
        """Have a full reset also call ``clear`` (a cache that lives outside this object)."""
        self._on_reset.append(clear)

    def sizes(self) -> dict[str, int]:
        """What the stores hold, in entries and estimated bytes (for tests and the soak)."""
        with self._lock:
            return {
                "grants": len(self._grants),
                "grantBytes": self._grants.bytes,
                "accounts": len(self._accounts),
                "accountBytes": self._accounts.bytes,
                "usedStates": len(self._used_states),
            }

    def add_grant(
        self, platform: str, location_id: str, user_id: str, items: tuple[DemoItem, ...], *, store: bool = True
    ) -> Grant:
        """A new grant; with ``store=False`` its id is never known to the accounts endpoint."""
        grant = Grant(new_account_id(), platform, location_id, user_id, items, time.time())
        if store:
            with self._lock:
                self._grants.put(grant.account_id, grant)
        return grant

    def connect(self, grant: Grant, record: AccountRecord) -> tuple[ConnectedAccount, bool]:
        """Connect ``record`` to the grant's location; True when it is new. Connecting the same
        page or profile again (a reconnect, a second attach) updates the account in place: its
        ids stay, its OAuth grant and record are the new ones."""
        now = time.time()
        with self._lock:
            previous = next(
                (
                    a
                    for a in self._accounts.values()
                    if a.location_id == grant.location_id
                    and a.platform == grant.platform
                    and a.record.origin_id == record.origin_id
                ),
                None,
            )
            key = previous.id if previous else f"{grant.account_id}_{grant.location_id}_{record.origin_id}"
            account = ConnectedAccount(
                id=key,
                record_id=previous.record_id if previous else new_account_id(),
                oauth_id=grant.account_id,
                location_id=grant.location_id,
                platform=grant.platform,
                record=record,
                created_at=previous.created_at if previous else now,
                updated_at=now,
                expire=grant.created_at + ACCOUNT_LIFETIME,
            )
            self._accounts.put(key, account)  # a reconnect: updated in place, moved to the newest end
        return account, previous is None

    def accounts(self, location_id: str, platform: str | None = None) -> list[ConnectedAccount]:
        """The location's connected accounts, oldest first."""
        with self._lock:
            return [
                a
                for a in self._accounts.values()
                if a.location_id == location_id and (platform is None or a.platform == platform)
            ]

    def connected_origins(self, location_id: str, platform: str) -> frozenset[str]:
        """The originIds of the location's connected accounts of ``platform`` (``isConnected``)."""
        with self._lock:
            return frozenset(
                a.record.origin_id
                for a in self._accounts.values()
                if a.location_id == location_id and a.platform == platform
            )

    def disconnect(self, location_id: str, account_id: str) -> ConnectedAccount | None:
        """Remove a connected account of this location; None if it has none by that id."""
        with self._lock:
            account = self._accounts.get(account_id)
            if account is None or account.location_id != location_id:
                return None
            self._accounts.pop(account_id)
            return account

    def record_error(self, text: str) -> None:
        with self._lock:
            self._errors.append(text)

    def take_errors(self) -> list[str]:
        """The recorded exceptions, oldest first; they are forgotten once taken."""
        with self._lock:
            errors = list(self._errors)
            self._errors.clear()
            return errors

    def grants(self) -> list[Grant]:
        """Every remembered grant, oldest first (the control API's view)."""
        with self._lock:
            return list(self._grants.values())

    def all_accounts(self) -> list[ConnectedAccount]:
        """Every connected account of every location, oldest first (the control API's view)."""
        with self._lock:
            return list(self._accounts.values())

    def grant(self, account_id: str) -> Grant | None:
        with self._lock:
            return self._grants.get(account_id)

    def use_state(self, nonce: str, expires: float, now: float | None = None) -> str | None:
        """Mark a consent state as used until it expires; why it cannot be used, if it cannot
        (a replayed finish, or one older than the used states the mock can remember)."""
        now = time.time() if now is None else now
        with self._lock:
            used = self._used_states
            while used:  # expired states cannot be replayed anyway (their signature says so)
                oldest = next(iter(used))
                if used[oldest] > now:
                    break
                del used[oldest]
            if nonce in used:
                return "this authorization was already completed; start the flow again"
            if expires <= self._state_watermark:
                return (
                    f"this authorization is older than the last {MAX_USED_STATES} completed ones, which is"
                    " all ghl-mock remembers; start the flow again"
                )
            used[nonce] = expires
            while len(used) > MAX_USED_STATES:
                _, forgotten = used.popitem(last=False)
                self._state_watermark = max(self._state_watermark, forgotten)
            return None
