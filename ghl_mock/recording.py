"""Records every API and flow request in the journal, with why the mock answered as it did.

The diagnosis comes from the request scope, where the pipeline and the error renderer leave it
(``wire.RULE_KEY``, ``REASON_KEY``, ``STEP_KEY``, ``SESSION_KEY``). The control API, the
dashboard, static files and ``/favicon.ico`` are not recorded (they would drown the journal).
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ghl_mock.access_log import AccessLog
from ghl_mock.journal import Journal
from ghl_mock.masking import masked_authorization, masked_query_of
from ghl_mock.scenarios.engine import DEFAULT_SESSION
from ghl_mock.wire import REASON_KEY, RULE_KEY, SESSION_KEY, STEP_KEY

#: Longest text kept per journal field: the ring buffer bounds entries, this bounds each entry.
MAX_TEXT = 2048


#: What browsers ask for on their own: journaling it would add a 404 to every visit.
BROWSER_NOISE = frozenset({"/favicon.ico"})


def recorded(path: str) -> bool:
    if path in BROWSER_NOISE:
        return False
    return not path.startswith("/__mock/") or path.startswith("/__mock/oauth/")


_REQUEST_HEADERS = frozenset({b"authorization", b"version"})


def _pick(raw: list[tuple[bytes, bytes]], names: frozenset[bytes]) -> dict[bytes, str]:
    """The first value of each wanted header, in one pass (ASGI header names are lower-case)."""
    found: dict[bytes, str] = {}
    for name, value in raw:
        if name in names and name not in found:
            found[name] = value.decode("latin-1")
    return found


class Recorder:
    """Writes one journal entry per recorded request, whatever happens to it, and its access-log
    line when the log is on (``front.Front``)."""

    def __init__(self, journal: Journal, access_log: AccessLog | None = None):
        self.journal = journal
        self.access_log = access_log

    async def record(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, journalled: bool) -> None:
        """Run ``app``; journal the request when ``journalled`` (else only the access log wants it)."""
        began = time.perf_counter()
        at = time.time()
        entry_id, generation = self.journal.next_id() if journalled else (0, 0)
        status: int | None = None

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        failure: str | None = None
        try:
            await app(scope, receive, watch)
        except BaseException as exc:
            failure = f"{type(exc).__name__}: {exc}"
            # In-process network faults leave no status; any other exception becomes the 500.
            if status is None and not getattr(exc, "network_fault", False):
                status = 500
            raise
        finally:
            query = masked_query_of(scope)  # one masking for the log and the journal
            if self.access_log is not None and status is not None:
                self.access_log.line(scope, status, query)
            if journalled:
                self._add(scope, entry_id, generation, at, began, status, failure, query)

    def _add(
        self,
        scope: Scope,
        entry_id: int,
        generation: int,
        at: float,
        began: float,
        status: int | None,
        failure: str | None,
        query: str,
    ) -> None:
        request = _pick(scope["headers"], _REQUEST_HEADERS)
        client = scope.get("client")
        self.journal.add(
            (
                entry_id,
                at,
                scope["method"][:MAX_TEXT],
                scope["path"][:MAX_TEXT],
                query[:MAX_TEXT],
                status,
                round((time.perf_counter() - began) * 1000, 3),
                str(scope.get(SESSION_KEY, DEFAULT_SESSION)),
                f"{client[0]}:{client[1]}" if client else None,
                masked_authorization(request.get(b"authorization")),
                (request.get(b"version") or "")[:MAX_TEXT] or None,
                rule[:MAX_TEXT] if isinstance(rule := scope.get(RULE_KEY), str) else None,
                (reason[:MAX_TEXT] if isinstance(reason := scope.get(REASON_KEY), str) else None)
                or (failure[:MAX_TEXT] if failure else None)
                or (None if status else "no response sent"),
                step[:MAX_TEXT] if isinstance(step := scope.get(STEP_KEY), str) else None,
            ),
            generation,
        )
