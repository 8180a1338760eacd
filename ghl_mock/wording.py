"""pydantic's validation messages in the user's words, for settings, scenario and fixture files and
the control API's bodies alike: "required" rather than "Field required", "expected a whole number,
got 'eighty'" rather than "Input should be a valid integer", a "did you mean" for a misspelt
choice."""

from __future__ import annotations

import difflib
import re

from pydantic_core import ErrorDetails

_EXPECTED = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false (or 1/0, yes/no, on/off)",
    "bool_type": "true or false (or 1/0, yes/no, on/off)",
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping of names to values",
    "model_type": "a mapping of names to values",
    "model_attributes_type": "a mapping of names to values",
    "path_type": "a file or directory path",
    "path_parsing": "a file or directory path",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}
_LENGTHS = {
    "too_short": ("min_length", "at least", "item"),
    "too_long": ("max_length", "at most", "item"),
    "string_too_short": ("min_length", "at least", "character"),
    "string_too_long": ("max_length", "at most", "character"),
}
_QUOTED = re.compile(r"'([^']*)'")


def shown(value: object, limit: int = 80) -> str:
    """``value`` as the user would recognise it, escaped (a line break shows as ``\\n``) and cut short.
    A list or mapping is named, never printed: a file's value may be nested thousands deep or be
    a YAML alias bomb, whose ``repr`` would recurse or run for minutes."""
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return f"a mapping of {len(value)}"
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit]
    text = repr(value) if isinstance(value, str | int | float | bool | type(None)) else type(value).__name__
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def reason(error: ErrorDetails, *, show_input: bool = True, extra: str = "not a field here") -> str:
    """What is wrong with the value at ``error["loc"]``. ``show_input=False`` for a secret;
    ``extra`` is what an unknown key is told."""
    kind, ctx = error["type"], error.get("ctx") or {}
    value = error.get("input")
    got = f", got {shown(value)}" if show_input else ""
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}{got}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        hint = ""
        if show_input and isinstance(value, str):
            close = difflib.get_close_matches(value, _QUOTED.findall(expected), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"expected {'one of ' if ' or ' in expected else ''}{expected}{got}{hint}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {ctx.get(key)}{got}"
    if kind in _LENGTHS:
        key, words, unit = _LENGTHS[kind]
        count = ctx.get(key)
        return f"must have {words} {count} {unit}{'' if count == 1 else 's'}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == "^[^\\n]+$":
            return f"must be one line of text{got}"
        return f"does not have the form {pattern} asks for{got}"
    if kind == "extra_forbidden":
        return extra
    if kind == "missing":
        return "required"
    return str(error["msg"])
