"""Query validation the way HighLevel's NestJS ValidationPipe does it (research §3.4).

HighLevel validates query DTOs with class-validator, ``whitelist`` and ``forbidNonWhitelisted``.
Its messages are reproduced here: unknown properties first (``property foo should not exist``),
then each declared parameter in spec order, ``should not be empty`` before ``must be a string``.
A repeated parameter (``?a=1&a=2``) or a bracketed one (``?a[]=1``, ``?a[x]=1``) reaches the DTO
as an array or object, as Express's query parser makes it, and so is "not a string".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mock_server.errors import ApiError
from mock_server.rules import QUERY_INVALID


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    required: bool


@dataclass(frozen=True, slots=True)
class _Seen:
    values: list[str]
    structured: bool  # arrived as an array or object


def validate_query(items: Sequence[tuple[str, str]], spec: Sequence[QueryParam]) -> dict[str, str]:
    """Return the declared parameters' values, or raise the 422 error with every message."""
    seen: dict[str, _Seen] = {}
    for key, value in items:
        base, bracketed = _base_name(key)
        entry = seen.setdefault(base, _Seen([], False))
        entry.values.append(value)
        if bracketed:
            seen[base] = _Seen(entry.values, True)

    declared = {param.name for param in spec}
    messages = [f"property {name} should not exist" for name in seen if name not in declared]
    values: dict[str, str] = {}
    for param in spec:
        given = seen.get(param.name)
        if given is None:
            if param.required:
                messages += [f"{param.name} should not be empty", f"{param.name} must be a string"]
            continue
        if given.structured or len(given.values) > 1:
            messages.append(f"{param.name} must be a string")
            continue
        value = given.values[0]
        if param.required and value == "":
            messages.append(f"{param.name} should not be empty")
            continue
        values[param.name] = value
    if messages:
        raise ApiError(QUERY_INVALID, "; ".join(messages), messages=messages)
    return values


def _base_name(key: str) -> tuple[str, bool]:
    """``a[b]`` → (``a``, True), the way Express's `qs` parser nests keys."""
    bracket = key.find("[")
    if bracket > 0 and key.endswith("]"):
        return key[:bracket], True
    return key, False
