"""Credentials as they may appear in logs, the journal, pages and error bodies: never whole."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus


def mask(token: str) -> str:
    """A token as it may appear in logs, the journal or a page: never whole."""
    if len(token) <= 12:
        return "***"
    return f"{token[:6]}…{token[-4:]}"


def masked_authorization(value: str | None) -> str | None:
    """``Bearer pit-00…0001``: the scheme word stays readable only when it is a scheme."""
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() in ("bearer", "basic") and token:
        return f"{scheme} {mask(token.strip())}"
    return mask(value)


#: Query parameters whose values are credentials (the consent ``state``, OAuth-style tokens).
SECRET_PARAMS = frozenset(
    {"state", "token", "access_token", "code", "refresh_token", "id_token", "client_secret", "api_key", "password"}
)
#: Substrings one of which every secret parameter's name contains.
_SECRET_STEMS = ("state", "token", "code", "secret", "key", "password")
#: A lower-cased query that may hold one: a stem, or an escape that could spell one.
_MAYBE_SECRET = re.compile("|".join((*_SECRET_STEMS, "%", r"\+")))


def masked_query(query: str) -> str:
    """A query string with credential values shortened to their ends (``state=eyJhbG…3Go``)."""
    if _MAYBE_SECRET.search(query.lower()) is None:
        return query  # the common case (this runs for every journalled request)
    parts = []
    for part in query.split("&"):
        key, sep, value = part.partition("=")
        # The key as the server reads it: ``%73tate`` and ``access%5Ftoken`` are state and access_token.
        secret = unquote_plus(key).strip().lower() in SECRET_PARAMS
        parts.append(f"{key}{sep}{mask(value)}" if secret and value else part)
    return "&".join(parts)


def masked_query_of(scope: Mapping[str, Any]) -> str:
    """The request's query string, masked (``masked_query``); "" when it has none."""
    query = scope.get("query_string", b"")
    return masked_query(bytes(query).decode("latin-1")) if query else ""
