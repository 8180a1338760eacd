"""Query and body validation the way HighLevel's NestJS ValidationPipe does it (research §3.4).

HighLevel validates query DTOs with class-validator, ``whitelist`` and ``forbidNonWhitelisted``.
Its messages are reproduced here: unknown properties first (``property foo should not exist``),
then each declared parameter in spec order, ``should not be empty`` before ``must be a string``.
A repeated parameter (``?a=1&a=2``) or a bracketed one (``?a[]=1``, ``?a[x]=1``) reaches the DTO
as an array or object, as Express's query parser makes it, and so is "not a string".
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ghl_mock.errors import ApiError
from ghl_mock.platforms import BodyField
from ghl_mock.rules import BODY_INVALID, BODY_MALFORMED, BODY_TOO_LARGE, QUERY_INVALID


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


#: body-parser's default ``limit`` for JSON bodies.
MAX_BODY_BYTES = 100 * 1024
#: Keys real clients send that no attach DTO declares (facebook clients send ``platform``):
#: whitelisted rather than refused, so working clients keep working (decisions #54).
TOLERATED_BODY_KEYS = frozenset({"platform"})


def parse_json_body(raw: bytes, content_type: str | None) -> Any:
    """What NestJS's handler receives as ``@Body()``: Express's JSON body parser's result.

    Only ``application/json`` (or ``+json``) bodies are parsed; anything else, or no body, is
    ``{}``. A body over 100 kB is a 413, and one that does not parse, or is a bare scalar
    (``strict`` mode), a 400 with V8's ``JSON.parse`` wording.
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if not (media == "application/json" or (media.startswith("application/") and media.endswith("+json"))):
        return {}  # body-parser does not read it at all
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(BODY_TOO_LARGE, f"body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}")
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")  # body-parser strips a BOM
    stripped = text.lstrip(" \t\r\n")
    if not stripped:
        return {}
    if stripped[0] not in "{[":
        position = len(text) - len(stripped)
        raise ApiError(BODY_MALFORMED, "the body is not a JSON object", value=_unexpected(text, position))
    try:
        return _well_formed(json.loads(text, parse_constant=_no_constant, parse_int=_number))
    except json.JSONDecodeError as exc:
        raise ApiError(BODY_MALFORMED, f"invalid JSON: {exc.msg}", value=_unexpected(text, exc.pos)) from None
    except _Constant as exc:  # NaN, Infinity: Python's extension, not JSON (V8 refuses them)
        raise ApiError(BODY_MALFORMED, f"{exc} is not JSON", value=_unexpected(text, text.find(str(exc)))) from None
    except RecursionError:
        raise ApiError(BODY_MALFORMED, "JSON nested too deeply", value=_unexpected(text, len(text))) from None


class _Constant(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _Constant(name)


def _number(digits: str) -> int | float:
    """V8 reads any integer as a double; Python refuses to convert more than 4300 digits."""
    return int(digits) if len(digits) < 300 else float(digits)


def _well_formed(value: Any) -> Any:
    """Lone surrogates (``"\\ud800"`` is valid JSON) replaced and infinite numbers made null, so every
    answer built from a body can be rendered."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, float) and math.isinf(value):
        return math.copysign(sys.float_info.max, value)  # still a number (V8: Infinity), but renderable
    if isinstance(value, list):
        return [_well_formed(item) for item in value]
    if isinstance(value, dict):
        return {_well_formed(key): _well_formed(item) for key, item in value.items()}
    return value


def _unexpected(text: str, position: int) -> str:
    if position >= len(text.rstrip(" \t\r\n")):
        return "Unexpected end of JSON input"
    return f"Unexpected token {text[position]} in JSON at position {position}"


def validate_body(body: Any, spec: Sequence[BodyField]) -> dict[str, Any]:
    """The declared fields of a parsed body, or the 422 error with every class-validator message."""
    given: dict[str, Any] = body if isinstance(body, dict) else {}
    declared = {field.name for field in spec}
    messages = [
        f"property {name} should not exist"
        for name in given
        if name not in declared and name not in TOLERATED_BODY_KEYS
    ]
    # tolerated, as the string real clients send ("facebook"); the served spec says `type: string`
    messages += [f"{name} must be a string" for name in TOLERATED_BODY_KEYS if not isinstance(given.get(name, ""), str)]
    for field in spec:
        value = given.get(field.name)
        if value is None:
            if field.required:  # an enum field's validator is @IsEnum, which says so instead of the type
                messages += [f"{field.name} should not be empty", _choices_message(field) or _type_message(field)]
            continue
        if not isinstance(value, _TYPES[field.kind]):
            messages.append(_type_message(field))
        elif field.required and value in ("", {}):
            messages.append(f"{field.name} should not be empty")
        elif field.choices and value not in field.choices:
            messages.append(_choices_message(field))
    if messages:
        raise ApiError(BODY_INVALID, "; ".join(messages), messages=messages)
    return {field.name: given[field.name] for field in spec if given.get(field.name) is not None}


_TYPES: dict[str, type] = {"string": str, "boolean": bool, "object": dict}


def _choices_message(field: BodyField) -> str:
    return f"{field.name} must be one of the following values: {', '.join(field.choices)}" if field.choices else ""


def _type_message(field: BodyField) -> str:
    return {
        "string": f"{field.name} must be a string",
        "boolean": f"{field.name} must be a boolean value",
        "object": f"{field.name} must be an object",
    }[field.kind]
