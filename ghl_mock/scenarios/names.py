"""How an unknown scenario name is reported everywhere (the marker, X-Mock-Scenario, the control
API, ``--scenario``): the closest names first, and a short list of the rest."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: Beyond this many loaded scenarios the message names only the first ones.
LISTED = 12


def unknown_scenario(name: str, known: Iterable[str]) -> str:
    """``no scenario named 'x' (did you mean 'y'?); loaded: a, b, … and 20 more (GET /__mock/scenarios)``"""
    return f"no scenario named {name!r}{did_you_mean(name, known)}; loaded: {listing(known)}"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def listing(known: Iterable[str]) -> str:
    names = sorted(known)
    if not names:
        return "(none loaded)"
    if len(names) <= LISTED:
        return ", ".join(names)
    rest = len(names) - LISTED
    return f"{', '.join(names[:LISTED])}, … and {rest} more (GET /__mock/scenarios lists them all)"
