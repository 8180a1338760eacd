"""Hot reload of scenario files (``--watch``). A file that no longer validates is reported (log
and control API) and its last good version stays active."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from watchfiles import awatch

from ghl_mock.context import MockContext
from ghl_mock.scenarios.loader import load_directories

log = logging.getLogger("ghl_mock.watch")


def reload_scenarios(ctx: MockContext) -> None:
    result = load_directories(ctx.settings.scenario_dirs)
    merged = dict(result.scenarios)
    current = ctx.state.engine.scenarios
    for error in result.errors:
        log.error("scenario file rejected, keeping its last good version: %s", error)
        name = error.file.stem
        if name in current and name not in merged:
            merged[name] = current[name]
    ctx.scenario_errors[:] = result.errors
    ctx.state.engine.replace(merged)
    log.warning("scenarios reloaded: %s", ", ".join(sorted(merged)) or "(none)")


@asynccontextmanager
async def watching(ctx: MockContext) -> AsyncIterator[None]:
    stop = asyncio.Event()

    async def run() -> None:
        async for _changes in awatch(*ctx.settings.scenario_dirs, stop_event=stop, debounce=100, step=20):
            try:
                # Off the event loop: reading and validating files must not hold up requests.
                await asyncio.to_thread(reload_scenarios, ctx)
            except Exception:  # the watcher must outlive any file; the last good set stays
                log.exception("scenario reload failed; keeping the scenarios loaded before")

    task = asyncio.create_task(run())
    try:
        yield
    finally:
        stop.set()
        with suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, 2)
