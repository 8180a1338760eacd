"""Problems with a file the user gave (fixtures, scenarios): always file, field and reason."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from ghl_mock.wording import reason

#: Parts pydantic adds to an error's location for a union member (``constrained-int``,
#: ``literal['forever']``, ``function-after[...]``): not fields a user wrote.
_UNION_TAG = re.compile(r"^(constrained-\w+|literal\[.*\]|function-\w+\[.*\]|int|str|float|bool|none)$")


#: ``field`` of a problem with the whole file (missing, unreadable, too deep): there is no field to name.
WHOLE_FILE = "-"
#: Fields that name no field: ``str()`` of such an error is just ``file: reason``.
_NO_FIELD = (WHOLE_FILE, "(top level)")


class FileError(Exception):
    """A user's file is missing, unreadable or invalid; ``field`` is ``-`` for the whole file.

    ``str()`` is ``file: field: reason``, or ``file: reason`` when there is no field to name."""

    def __init__(self, file: Path, field: str, reason: str):
        super().__init__(f"{file}: {reason}" if field in _NO_FIELD else f"{file}: {field}: {reason}")
        self.file = file
        self.field = field
        self.reason = reason


#: The largest scenario or fixture file read (bytes): a bigger one is refused before reading.
MAX_FILE_BYTES = 1_000_000
#: What a file nested too deeply for the parser or the models is told (Python's recursion limit).
TOO_DEEP = "nested too deeply to read (keep it to a few dozen levels)"


def read_text(path: Path, error: type[FileError], limit: int = MAX_FILE_BYTES) -> str:
    """The file's text, or ``error`` saying why it cannot be read (missing, too large, not UTF-8)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise error(path, WHOLE_FILE, f"{size:,} bytes: larger than the {limit:,} bytes a file may have")
        with path.open("rb") as file:  # at most limit + 1 bytes: a device or a growing file may lie about its size
            data = file.read(limit + 1)
        if len(data) > limit:
            raise error(path, WHOLE_FILE, f"more than {limit:,} bytes: larger than the {limit:,} bytes a file may have")
        return data.decode("utf-8")
    except FileNotFoundError:
        raise error(path, WHOLE_FILE, "file not found") from None
    except OSError as exc:  # the reason without the path again: "cannot read: Is a directory"
        raise error(path, WHOLE_FILE, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise error(path, WHOLE_FILE, f"cannot read: {exc}") from None


def first_error(exc: ValidationError) -> tuple[str, str]:
    """The first problem as (field path like ``steps[0].error.rule``, reason): ``all_errors``' first.

    When the field is a union (``repeat: 3`` or ``repeat: forever``), the reasons of every
    member are joined, so the user sees all the accepted forms.
    """
    return all_errors(exc)[0]


def all_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """Every problem as (field, reason), one per field, in the order pydantic found them (a union's
    member reasons joined: ``expected a whole number or 'forever', got 'lots'``)."""
    try:
        return _all_errors(exc)
    except RecursionError:  # a value nested too deeply even to be looked at
        return [(WHOLE_FILE, TOO_DEEP)]


def _all_errors(exc: ValidationError) -> list[tuple[str, str]]:
    by_field: dict[str, list[str]] = {}
    for error in exc.errors():
        reasons = by_field.setdefault(_path(error["loc"]), [])
        said = reason(error)
        if said not in reasons:
            reasons.append(said)
    return [(field, _either(reasons)) for field, reasons in by_field.items()]


def _either(reasons: list[str]) -> str:
    """A union's reasons as one: ``expected a whole number or 'forever', got 'lots'``."""
    got = {r.rpartition(", got ")[2] for r in reasons}
    if len(reasons) > 1 and len(got) == 1 and all(r.startswith("expected ") and ", got " in r for r in reasons):
        wanted = [r.removeprefix("expected ").rpartition(", got ")[0] for r in reasons]
        return f"expected {' or '.join(wanted)}, got {got.pop()}"
    return " or ".join(reasons)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _UNION_TAG.match(part):
            out += f".{part}" if out else part
    return out or "(top level)"
