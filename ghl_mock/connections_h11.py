"""The head guard (connections.py) on h11, uvicorn's fallback when httptools is missing.

Its own module so that serving on httptools (what ``uvicorn[standard]`` installs) never imports
h11: about 5 ms of start-up and 0.7 MB of memory (issue #13). ``connections.TrackingH11Protocol``
still names it.
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ghl_mock.connections import _HeadGuard


class TrackingH11Protocol(_HeadGuard, H11Protocol):
    """On h11, uvicorn's fallback. h11's own head limit is set to ours (runtime.py)."""

    def _awaiting_head(self) -> bool:
        return self.conn.their_state is h11.IDLE

    def _release_head(self) -> None:
        self.conn = h11.Connection(h11.SERVER)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request was parsed: its head is complete
            self._head_complete()
