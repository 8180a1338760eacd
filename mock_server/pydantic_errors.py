"""Turning a pydantic ValidationError into the "field: reason" users see for a bad file."""

from __future__ import annotations

import re

from pydantic import ValidationError

#: Parts pydantic adds to an error's location for a union member (``constrained-int``,
#: ``literal['forever']``, ``function-after[...]``): not fields a user wrote.
_UNION_TAG = re.compile(r"^(constrained-\w+|literal\[.*\]|function-\w+\[.*\]|int|str|float|bool|none)$")


def first_error(exc: ValidationError) -> tuple[str, str]:
    """The first problem as (field path like ``steps[0].error.rule``, reason).

    When the field is a union (``repeat: 3`` or ``repeat: forever``), the reasons of every
    member are joined, so the user sees all the accepted forms.
    """
    located = [(_path(error["loc"]), error["msg"]) for error in exc.errors()]
    field = located[0][0]
    reasons = list(dict.fromkeys(msg for path, msg in located if path == field))
    return field, " or ".join(reasons)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _UNION_TAG.match(part):
            out += f".{part}" if out else part
    return out or "(top level)"
