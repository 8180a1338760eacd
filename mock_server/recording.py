"""Records every API and flow request in the journal, with why the mock answered as it did.

The diagnosis comes from the request scope, where the pipeline and the error renderer leave it
(``wire.RULE_KEY``, ``REASON_KEY``, ``STEP_KEY``, ``SESSION_KEY``). The control API, the
dashboard and static files are not recorded (they would drown the journal).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.journal import Journal, JournalEntry
from mock_server.masking import masked_authorization, masked_query
from mock_server.scenarios.engine import DEFAULT_SESSION
from mock_server.wire import REASON_KEY, RULE_KEY, SESSION_KEY, STEP_KEY

#: Longest text kept per journal field: the ring buffer bounds entries, this bounds each entry.
MAX_TEXT = 2048


def recorded(path: str) -> bool:
    return not path.startswith("/__mock/") or path.startswith("/__mock/oauth/")


_REQUEST_HEADERS = frozenset({b"authorization", b"version"})


def _pick(raw: list[tuple[bytes, bytes]], names: frozenset[bytes]) -> dict[bytes, str]:
    """The first value of each wanted header, in one pass (this runs for every request)."""
    found: dict[bytes, str] = {}
    for name, value in raw:
        key = name.lower()
        if key in names and key not in found:
            found[key] = value.decode("latin-1")
    return found


class JournalMiddleware:
    def __init__(self, app: ASGIApp, journal: Journal):
        self.app = app
        self.journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not recorded(scope["path"]):
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        at = datetime.now(UTC).isoformat(timespec="milliseconds")
        entry_id = self.journal.next_id()
        answer: dict[str, object] = {}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            await send(message)

        failure: str | None = None
        try:
            await self.app(scope, receive, watch)
        except BaseException as exc:
            failure = f"{type(exc).__name__}: {exc}"
            # In-process network faults leave no status; any other exception becomes the 500.
            if "status" not in answer and not getattr(exc, "network_fault", False):
                answer["status"] = 500
            raise
        finally:
            request = _pick(scope["headers"], _REQUEST_HEADERS)
            status = answer.get("status")
            client = scope.get("client")
            query = scope.get("query_string", b"").decode("latin-1")
            self.journal.add(
                JournalEntry(
                    id=entry_id,
                    at=at,
                    method=scope["method"][:MAX_TEXT],
                    path=scope["path"][:MAX_TEXT],
                    query=masked_query(query)[:MAX_TEXT],
                    status=status if isinstance(status, int) else None,
                    durationMs=round((time.perf_counter() - began) * 1000, 3),
                    session=str(scope.get(SESSION_KEY, DEFAULT_SESSION)),
                    client=f"{client[0]}:{client[1]}" if client else None,
                    authorization=masked_authorization(request.get(b"authorization")),
                    version=(request.get(b"version") or "")[:MAX_TEXT] or None,
                    rule=_text(scope.get(RULE_KEY)),
                    reason=_text(scope.get(REASON_KEY))
                    or (failure[:MAX_TEXT] if failure else None)
                    or (None if status else "no response sent"),
                    step=_text(scope.get(STEP_KEY)),
                )
            )


def _text(value: object) -> str | None:
    return value[:MAX_TEXT] if isinstance(value, str) else None
