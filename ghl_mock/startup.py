"""Start-up with the cyclic garbage collector paused: for the command line only.

Loading the command line and the app allocates about 90,000 objects (modules, classes, pydantic's
validators, the operations table, the scenario library) that live as long as the process. With
the collector on, those allocations set off collections that each scan everything allocated so
far (about 30 ms of a 400 ms start here: docs/benchmarks.md, decisions #119). The console script
and ``python -m ghl_mock`` pause it before their first import; ``serve``, once ready, moves what
is alive into the permanent generation (``gc.freeze``: collections under load never scan it
again) and turns the collector back on; every other command turns it back on at once. Library
use (the pytest plugin, ``GhlMock``, ``create_app``) never comes through here.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume(*, freeze: bool = False) -> None:
    """Turn the collector back on if ``pause`` turned it off (``freeze``: start-up's objects first)."""
    global _paused
    if not _paused:
        return
    _paused = False
    if freeze:
        gc.freeze()
    gc.enable()


def main() -> None:
    """The ``ghl-mock`` console script."""
    pause()
    try:
        from ghl_mock.cli import main as cli
    except BaseException:
        resume()
        raise
    cli()
