"""``ghl-mock compare``: replay a capture against the mock, in-process, and say where it answers otherwise.

Each recorded request is sent, in order, to ``create_app(settings)`` through
``inprocess.ASGISyncTransport`` (no socket). The capture holds no credential, so each request gets
one the mock accepts in its place (``credential``); ids the upstream made (OAuth account ids,
connected-account ids) are mapped to the ones the mock makes (``Replay.ids``). Then, per exchange:

- **status**, exactly;
- **headers**: ``Content-Type`` (media type and parameters, case and spaces aside); ``Location``:
  on the upstream's own host its path and query parameter names, and the values of the
  non-volatile ones; a redirect off the upstream's host (to the network's login page, as the live
  API does) is answered by the mock with its consent stand-in, which is not compared; the
  rate-limit headers and ``Retry-After``, by presence, when either answer is a 429;
- **body**: JSON structurally (key order and spacing aside). An error (any non-2xx) is compared by
  value; a success by shape (keys and JSON types at every level, list items merged), because its
  data is the upstream's and the mock's is demo data, plus the envelope's values (``success``,
  ``statusCode``, ``message``, ``error``). Volatile keys (ids, timestamps) are compared by
  presence only. Anything not JSON is compared as text, each side's own ``Location`` replaced by a
  placeholder (Express's ``Found. Redirecting to …``) and credentials masked on both sides.

The report (``Report.text()``, ``Report.as_json()``) holds no whole credential either.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, unquote

import httpx
from starlette.applications import Starlette

from ghl_mock.capture import (
    ELLIPSIS,
    Auth,
    Capture,
    Exchange,
    Matched,
    connection_headers,
    location_of,
    mask_text,
    operation_of,
)
from ghl_mock.control_models import DEFAULT_LOCATION
from ghl_mock.inprocess import ASGISyncTransport
from ghl_mock.masking import mask
from ghl_mock.platforms import PLATFORMS, SOCIAL_PLANNER_SCOPES
from ghl_mock.settings import Settings
from ghl_mock.tokens import mint_token
from ghl_mock.wire import RATE_LIMIT_HEADERS

REPORT_FORMAT: Final = "ghl-mock-compare"
#: The in-process mock's base URL (its redirects name this host; only paths are compared).
BASE_URL: Final = "http://127.0.0.1:8080"
DEMO_USER: Final = "demo-user"

#: JSON keys whose values the upstream and the mock make up each time: compared by presence.
VOLATILE_KEYS: Final = frozenset(
    {"id", "_id", "oauthId", "oAuthId", "accountId", "createdAt", "updatedAt", "expire", "iat", "exp", "traceId"}
)
#: The keys whose values are mapped from the upstream's to the mock's (ids the next requests name).
ID_KEYS: Final = frozenset({"id", "_id", "oauthId", "oAuthId", "accountId"})
#: A success body's envelope: compared by value, the rest by shape.
ENVELOPE: Final = frozenset({"success", "statusCode", "message", "error"})
#: Location query parameters whose values are made per request (states, codes, nonces).
VOLATILE_QUERY: Final = frozenset({"state", "code", "token", "access_token", "nonce"})
#: Differences listed per exchange at most (the count says how many more there were).
MAX_DIFFERENCES: Final = 50
_MASKED = re.compile(r"[^\s\"'&=<>,;]{0,12}" + ELLIPSIS + r"[^\s\"'&<>,;]{0,12}|%E2%80%A6")


@dataclass(frozen=True)
class Difference:
    #: ``status``, ``header <name>``, ``body`` (text) or a JSON path under ``body`` (``body.message[0]``).
    where: str
    recorded: Any
    mock: Any

    def as_json(self) -> dict[str, Any]:
        """A side that lacks the thing (a key, a header) has no entry."""
        out: dict[str, Any] = {"where": self.where}
        if self.recorded is not _ABSENT:
            out["recorded"] = self.recorded
        if self.mock is not _ABSENT:
            out["mock"] = self.mock
        return out


@dataclass
class Result:
    index: int
    method: str
    path: str
    query: str
    recorded_status: int
    mock_status: int | None
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored: int = 0
    more: int = 0

    @property
    def same(self) -> bool:
        return not self.differences

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "recordedStatus": self.recorded_status,
            "mockStatus": self.mock_status,
            "same": self.same,
            "differences": [d.as_json() for d in self.differences],
            "moreDifferences": self.more,
            "ignoredDifferences": self.ignored,
            "notes": self.notes,
        }


@dataclass
class Report:
    capture: Capture
    settings: Settings
    results: list[Result]
    ignore: tuple[str, ...] = ()
    version: str = "unknown"

    @property
    def differing(self) -> list[Result]:
        return [r for r in self.results if not r.same]

    @property
    def exit_code(self) -> int:
        return 1 if self.differing else 0

    def as_json(self) -> dict[str, Any]:
        header = self.capture.header
        return {
            "format": REPORT_FORMAT,
            "version": 1,
            "ghlMockVersion": self.version,
            "capture": {
                "file": str(self.capture.file) if self.capture.file else None,
                "upstream": header.upstream,
                "startedAt": header.started_at,
                "recordedWith": header.ghl_mock_version,
            },
            "mock": {
                "strictVersion": self.settings.strict_version,
                "scenarios": list(self.settings.scenarios),
                "legacyPlatforms": list(self.settings.legacy_platforms),
                "fixtures": str(self.settings.fixtures),
            },
            "ignore": list(self.ignore),
            "exchanges": len(self.results),
            "differing": len(self.differing),
            "results": [r.as_json() for r in self.results],
        }

    def text(self) -> str:
        header = self.capture.header
        where = self.capture.file or "capture"
        lines = [f"ghl-mock compare: {where}: {len(self.results)} exchanges recorded from {header.upstream}"]
        for r in self.results:
            mock_status = "no answer" if r.mock_status is None else str(r.mock_status)
            verdict = "same" if r.same else "DIFFERS"
            target = r.path + (f"?{r.query}" if r.query else "")
            lines.append(
                f"#{r.index} {r.method} {_cut(target, 100)}: "
                f"recorded {r.recorded_status}, mock {mock_status}: {verdict}"
            )
            for d in r.differences:
                lines.append(f"    {d.where}: recorded {_show(d.recorded)}, mock {_show(d.mock)}")
            if r.more:
                lines.append(f"    … and {r.more} more differences")
            if r.ignored:
                lines.append(f"    ({r.ignored} ignored by --ignore)")
            lines.extend(f"    note: {note}" for note in r.notes)
        count = len(self.differing)
        lines.append(
            f"{count} of {len(self.results)} exchanges differ"
            if count
            else f"no differences in {len(self.results)} exchanges"
        )
        return "\n".join(lines)


def _cut(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: Any) -> str:
    if value is _ABSENT:
        return "(absent)"
    return _cut(json.dumps(value, ensure_ascii=False))


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT: Final = _Absent()


# --- credentials ------------------------------------------------------------------------------


def credential(auth: Auth | None, location: str | None, app: Starlette) -> tuple[str | None, str | None]:
    """The ``Authorization`` to replay in place of a masked one, and a note saying what it is."""
    if auth is None:
        return None, None
    ctx = app.state.ctx
    scheme = auth.scheme or "Bearer"
    recorded_token = auth.masked.partition(" ")[2]
    owner = location or DEFAULT_LOCATION

    def minted(auth_class: str, owner_id: str, scopes: Sequence[str], expired: bool) -> str:
        return mint_token(
            ctx.secret,
            auth_class="Company" if auth_class == "Company" else "Location",
            auth_class_id=owner_id,
            scopes=scopes,
            expires_in=-3600 if expired else 86399,
        )

    if auth.kind == "pit":
        for pit in ctx.fixtures.pits:
            if mask(pit) == recorded_token:
                return f"{scheme} {pit}", f"Authorization: the fixtures' PIT {mask(pit)} (the recorded one's ends)"
        token = minted("Location", owner, SOCIAL_PLANNER_SCOPES, False)
        return (
            f"{scheme} {token}",
            f"Authorization: a PIT the fixtures do not have ({auth.masked}); replayed with a minted Location "
            f"token for {owner} with every Social Planner scope",
        )
    if auth.kind == "jwt":
        auth_class = auth.auth_class if auth.auth_class in ("Location", "Company") else "Location"
        owner_id = auth.auth_class_id or owner
        scopes = auth.scopes if auth.scopes is not None else list(SOCIAL_PLANNER_SCOPES)
        token = minted(auth_class, owner_id, scopes, bool(auth.expired))
        known = "its claims" if auth.auth_class_id else "the request's location"
        state = "expired, " if auth.expired else ""
        return (
            f"{scheme} {token}",
            f"Authorization: a minted {state}{auth_class} token for {owner_id} ({known}; recorded {auth.masked})",
        )
    return auth.masked, "Authorization: replayed as recorded (masked): a credential no server accepts"


# --- the replay -------------------------------------------------------------------------------


class Replay:
    """The mock a capture is replayed against, and what it learnt along the way."""

    def __init__(self, settings: Settings, app: Starlette | None = None):
        from ghl_mock.app import create_app

        self.settings = settings
        self.app = app or create_app(settings)
        self.client = httpx.Client(
            transport=ASGISyncTransport(self.app), base_url=BASE_URL, follow_redirects=False, trust_env=False
        )
        #: The upstream's ids → the mock's, for the paths of later requests and for bodies.
        self.ids: dict[str, str] = {}

    def close(self) -> None:
        self.client.close()

    def run(self, capture: Capture, ignore: Sequence[str] = ()) -> list[Result]:
        upstream = httpx.URL(capture.header.upstream)
        return [self.exchange(exchange, upstream, ignore) for exchange in capture.exchanges]

    def exchange(self, exchange: Exchange, upstream: httpx.URL, ignore: Sequence[str] = ()) -> Result:
        request, recorded = exchange.request, exchange.response
        result = Result(exchange.index, request.method, request.path, request.query, recorded.status, None)
        matched = operation_of(request.method, request.path, request.header("version"))
        self._grant(matched, recorded.status, result)
        path = self._mapped_path(request.path)
        headers: list[tuple[bytes, bytes]] = []
        drop = connection_headers(request.headers) | {"host", "content-length", "authorization"}
        for name, value in request.headers:
            if name.lower() not in drop:
                headers.append((name.encode("latin-1"), value.encode("latin-1", "replace")))
        authorization, note = credential(request.auth, location_of(request, matched), self.app)
        if authorization is not None:
            headers.append((b"authorization", authorization.encode("latin-1", "replace")))
        if note:
            result.notes.append(note)
        if any(ELLIPSIS in part or "%E2%80%A6" in part for part in (request.query, request.path)):
            result.notes.append("a credential in the path or query was masked in the capture and is replayed masked")
        if request.body_omitted is not None:
            result.notes.append(f"the request body was not kept ({request.body_omitted}): replayed empty")
        target = path + (f"?{quote(request.query, safe='=&%+/:;,@!$()*~-._')}" if request.query else "")
        try:
            response = self.client.request(
                request.method, target, headers=headers, content=request.body.encode("utf-8")
            )
        except httpx.TransportError as exc:  # a scripted network fault
            result.differences.append(Difference("status", recorded.status, f"no answer ({type(exc).__name__})"))
            return result
        except httpx.InvalidURL as exc:  # a hand-edited capture
            result.differences.append(Difference("status", recorded.status, f"not replayed: {exc}"))
            return result
        result.mock_status = response.status_code
        differences = compare_answers(exchange, response, upstream, self.ids, result.notes)
        self._learn_ids(recorded.body, response.text)
        kept = [d for d in differences if not _ignored(d.where, ignore)]
        result.ignored = len(differences) - len(kept)
        result.differences = kept[:MAX_DIFFERENCES]
        result.more = max(0, len(kept) - MAX_DIFFERENCES)
        return result

    def _grant(self, matched: Matched | None, recorded_status: int, result: Result) -> None:
        """An OAuth account the upstream knew (it answered 2xx) gets a grant of the mock's own."""
        if (
            matched is None
            or matched.operation.kind not in ("accounts", "attach")
            or matched.operation.platform is None
        ):
            return
        account_id = unquote(matched.params.get("accountId", ""))
        location_id = unquote(matched.params.get("locationId", ""))
        if not account_id or account_id in self.ids or not 200 <= recorded_status < 300:
            return
        ctx = self.app.state.ctx
        platform = PLATFORMS[matched.operation.platform.slug]
        items = ctx.fixtures.items_for(location_id, platform.slug)
        grant = ctx.state.add_grant(platform.slug, location_id, DEMO_USER, items)
        if platform.connects_on_consent is not None:
            for item in items:
                ctx.state.connect(grant, platform.connects_on_consent(item))
        self.ids[account_id] = grant.account_id
        result.notes.append(
            f"OAuth account {account_id}: the upstream knew it; replayed with a grant the mock made for "
            f"{location_id} ({platform.slug}, the fixtures' items)"
        )

    def _mapped_path(self, path: str) -> str:
        parts = path.split("/")
        return "/".join(quote(self.ids[unquote(p)], safe="") if unquote(p) in self.ids else p for p in parts)

    def _learn_ids(self, recorded_text: str, mock_text: str) -> None:
        try:
            recorded, mock = json.loads(recorded_text), json.loads(mock_text)
        except (ValueError, RecursionError):
            return
        for upstream_id, mock_id in _paired_ids(recorded, mock):
            if upstream_id != mock_id and len(upstream_id) >= 4:
                self.ids.setdefault(upstream_id, mock_id)


def _paired_ids(recorded: Any, mock: Any) -> Iterable[tuple[str, str]]:
    if isinstance(recorded, dict) and isinstance(mock, dict):
        for key, value in recorded.items():
            if key not in mock:
                continue
            if key in ID_KEYS and isinstance(value, str) and isinstance(mock[key], str):
                yield value, mock[key]
            else:
                yield from _paired_ids(value, mock[key])
    elif isinstance(recorded, list) and isinstance(mock, list):
        for a, b in zip(recorded, mock, strict=False):
            yield from _paired_ids(a, b)


def _ignored(where: str, ignore: Sequence[str]) -> bool:
    return any(where == prefix or where.startswith((f"{prefix}.", f"{prefix}[", f"{prefix} ")) for prefix in ignore)


# --- comparing one answer ---------------------------------------------------------------------


def compare_answers(
    exchange: Exchange, response: httpx.Response, upstream: httpx.URL, ids: dict[str, str], notes: list[str]
) -> list[Difference]:
    recorded = exchange.response
    out: list[Difference] = []
    if recorded.status != response.status_code:
        out.append(Difference("status", recorded.status, response.status_code))
    out.extend(_content_type(recorded.header("content-type"), response.headers.get("content-type")))
    out.extend(_location(recorded.header("location"), response.headers.get("location"), upstream, notes))
    if 429 in (recorded.status, response.status_code):
        for name in map(str.lower, RATE_LIMIT_HEADERS):
            had, has = recorded.header(name) is not None, name in response.headers
            if had != has:
                out.append(Difference(f"header {name}", "present" if had else _ABSENT, "present" if has else _ABSENT))
    if recorded.body_omitted is not None:
        notes.append(f"the recorded body was not kept ({recorded.body_omitted}): bodies not compared")
        return out
    mock_text = response.text
    for upstream_id, mock_id in ids.items():
        if len(mock_id) >= 8:
            mock_text = mock_text.replace(mock_id, upstream_id)  # the mock's ids read as the upstream's
    recorded_text = _normal_text(recorded.body, recorded.header("location"))
    mock_text = _normal_text(mask_text(mock_text), response.headers.get("location"))
    out.extend(_bodies(recorded_text, mock_text, success=200 <= recorded.status < 300))
    return out


def _media(value: str | None) -> str | None:
    return None if value is None else ";".join(part.strip().lower() for part in value.split(";") if part.strip())


def _content_type(recorded: str | None, mock: str | None) -> list[Difference]:
    if _media(recorded) == _media(mock):
        return []
    return [Difference("header content-type", recorded if recorded is not None else _ABSENT, mock or _ABSENT)]


def _location(recorded: str | None, mock: str | None, upstream: httpx.URL, notes: list[str]) -> list[Difference]:
    if recorded is None and mock is None:
        return []
    if recorded is None or mock is None:
        return [Difference("header location", recorded or _ABSENT, mask_text(mock) if mock else _ABSENT)]
    try:
        was, now = httpx.URL(recorded), httpx.URL(mock)
    except httpx.InvalidURL:
        return [] if recorded == mask_text(mock) else [Difference("header location", recorded, mask_text(mock))]
    on_upstream = was.is_relative_url or (was.host, was.port) == (upstream.host, upstream.port)
    if not on_upstream:
        if now.path.startswith("/__mock/oauth/"):
            notes.append(
                f"Location: the upstream redirects to {was.host} (the network's page); the mock's consent "
                "page stands in for it: not compared"
            )
            return []
        return [Difference("header location", f"{was.scheme}://{was.host}{was.path}", now.path)]
    out: list[Difference] = []
    if was.path != now.path:
        out.append(Difference("header location path", was.path, now.path))
    before, after = dict(was.params.multi_items()), dict(now.params.multi_items())
    if sorted(before) != sorted(after):
        out.append(Difference("header location query", sorted(before), sorted(after)))
    for key in sorted(set(before) & set(after)):
        if key.lower() not in VOLATILE_QUERY and before[key] != after[key]:
            out.append(Difference(f"header location query {key}", before[key], after[key]))
    return out


def _normal_text(text: str, location: str | None) -> str:
    if location:
        forms = {location, location.replace("%E2%80%A6", ELLIPSIS)}
        forms |= {html.escape(form) for form in list(forms)}
        forms |= {mask_text(form) for form in list(forms)}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "<Location>")
    return _MASKED.sub("<masked>", text)


def _bodies(recorded: str, mock: str, *, success: bool) -> list[Difference]:
    parsed = _json(recorded), _json(mock)
    if parsed[0] is _ABSENT or parsed[1] is _ABSENT:
        if recorded == mock:
            return []
        return [Difference("body", _cut(recorded), _cut(mock))]
    out: list[Difference] = []
    if success:
        _shape_diff(parsed[0], parsed[1], out)
    else:
        _value_diff(parsed[0], parsed[1], "body", out)
    return out


def _json(text: str) -> Any:
    if not text.strip():
        return _ABSENT
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _ABSENT


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _value_diff(recorded: Any, mock: Any, where: str, out: list[Difference]) -> None:
    if isinstance(recorded, dict) and isinstance(mock, dict):
        for key in [*recorded, *(k for k in mock if k not in recorded)]:
            at = f"{where}.{key}"
            if key not in mock or key not in recorded:
                out.append(Difference(at, recorded.get(key, _ABSENT), mock.get(key, _ABSENT)))
            elif key in VOLATILE_KEYS:
                if _kind(recorded[key]) != _kind(mock[key]) and None not in (recorded[key], mock[key]):
                    out.append(Difference(f"{at} (type)", _kind(recorded[key]), _kind(mock[key])))
            else:
                _value_diff(recorded[key], mock[key], at, out)
    elif isinstance(recorded, list) and isinstance(mock, list):
        for i, (a, b) in enumerate(zip(recorded, mock, strict=False)):
            _value_diff(a, b, f"{where}[{i}]", out)
        for i in range(len(mock), len(recorded)):
            out.append(Difference(f"{where}[{i}]", recorded[i], _ABSENT))
        for i in range(len(recorded), len(mock)):
            out.append(Difference(f"{where}[{i}]", _ABSENT, mock[i]))
    elif _kind(recorded) != _kind(mock) or recorded != mock:
        out.append(Difference(where, recorded, mock))


def _shape(value: Any, where: str, kinds: dict[str, set[str]], filled: set[str]) -> None:
    kinds.setdefault(where, set()).add(_kind(value))
    if isinstance(value, dict):
        for key, item in value.items():
            _shape(item, f"{where}.{key}", kinds, filled)
    elif isinstance(value, list):
        if value:
            filled.add(where)
        for item in value:
            _shape(item, f"{where}[]", kinds, filled)


def _shape_diff(recorded: Any, mock: Any, out: list[Difference]) -> None:
    rec_kinds: dict[str, set[str]] = {}
    mock_kinds: dict[str, set[str]] = {}
    rec_filled: set[str] = set()
    mock_filled: set[str] = set()
    _shape(recorded, "body", rec_kinds, rec_filled)
    _shape(mock, "body", mock_kinds, mock_filled)

    def comparable(where: str) -> bool:
        # Under a list that is empty on either side, what its items hold is the data's business.
        parts = where.split("[]")
        lists = ["[]".join(parts[: i + 1]) for i in range(len(parts) - 1)]
        return all(p in rec_filled and p in mock_filled for p in lists)

    for where in [*rec_kinds, *(w for w in mock_kinds if w not in rec_kinds)]:
        if not comparable(where):
            continue
        had, has = rec_kinds.get(where), mock_kinds.get(where)
        if had is None or has is None:
            out.append(Difference(where, "present" if had else _ABSENT, "present" if has else _ABSENT))
            continue
        had_types, has_types = had - {"null"}, has - {"null"}
        if had_types and has_types and not had_types & has_types:
            out.append(Difference(f"{where} (type)", "/".join(sorted(had)), "/".join(sorted(has))))
    if isinstance(recorded, dict) and isinstance(mock, dict):
        for key in sorted(ENVELOPE & recorded.keys() & mock.keys()):
            if _kind(recorded[key]) != _kind(mock[key]) or recorded[key] != mock[key]:
                out.append(Difference(f"body.{key}", recorded[key], mock[key]))


def compare(capture: Capture, settings: Settings, ignore: Sequence[str] = (), app: Starlette | None = None) -> Report:
    """Replay ``capture`` against a mock built from ``settings``; the report of every exchange."""
    replay = Replay(settings, app)
    try:
        results = replay.run(capture, ignore)
    finally:
        replay.close()
    return Report(capture, settings, results, tuple(ignore), ghl_mock_version())


def ghl_mock_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ghl-mock")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
        return "unknown"


def run_cli(path: Path, settings: Settings, ignore: Sequence[str], as_json: bool) -> int:
    """``ghl-mock compare``: print the report; 0 no differences, 1 differences, 2 a bad capture or set-up."""
    from ghl_mock.capture import CaptureError, load_capture
    from ghl_mock.context import ScenarioSetupError
    from ghl_mock.file_errors import FileError

    def refuse(message: str, error: dict[str, Any]) -> int:
        print(f"ghl-mock: {message}", file=sys.stderr)
        if as_json:
            print(json.dumps({"format": REPORT_FORMAT, "version": 1, "error": error}, indent=2))
        return 2

    try:
        capture = load_capture(path)
    except CaptureError as exc:
        return refuse(f"bad capture: {exc}", exc.as_json())
    if not capture.exchanges:
        return refuse(f"bad capture: {path}: no exchanges to compare", {"file": str(path), "reason": "no exchanges"})
    from ghl_mock.app import create_app

    try:
        app = create_app(settings)
    except FileError as exc:
        return refuse(f"bad fixtures: {exc}", {"file": str(exc.file), "field": exc.field, "reason": exc.reason})
    except ScenarioSetupError as exc:
        return refuse(f"bad scenarios:\n{exc}", {"reason": str(exc)})
    report = compare(capture, settings, ignore, app)
    print(json.dumps(report.as_json(), indent=2, ensure_ascii=False) if as_json else report.text())
    return report.exit_code
