"""Testing helpers: one ``GhlMock`` API over three ways of running the mock.

- in-process: the ASGI app, no socket (``GhlMock.in_process()``; the ``ghl_mock`` fixture);
- live: a real uvicorn server in a thread on 127.0.0.1 (``GhlMock.live()``; ``ghl_mock_server``);
- remote: a ``ghl-mock serve`` started elsewhere, driven through the control API
  (``GhlMock.remote(url)``; both fixtures when ``GHL_MOCK_URL`` is set).

The pytest plugin (``ghl_mock.pytest_plugin``) is a thin layer over this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from starlette.applications import Starlette
from starlette.datastructures import Headers

from ghl_mock.app import create_app
from ghl_mock.context import MockContext
from ghl_mock.inprocess import Answer, ASGISyncTransport, Params, json_body, with_params
from ghl_mock.journal import JournalEntry, JournalFilter
from ghl_mock.live import LiveServer
from ghl_mock.operations import Operation, account_operation, operation, path_of
from ghl_mock.platforms import PLATFORMS, SOCIAL_PLANNER_SCOPES, Api, Kind
from ghl_mock.scenarios.loader import ScenarioError, runtime_scenario
from ghl_mock.scenarios.names import unknown_scenario
from ghl_mock.settings import Settings
from ghl_mock.tokens import AuthClass, mint_token
from ghl_mock.versions import generation

VERSION = "2021-07-28"
#: The base URL of the in-process mock: only this object's clients reach it.
IN_PROCESS_URL = "http://ghl-mock.test"
DEMO_LOCATION = "demo-location"
DEMO_USER = "demo-user"
START_PATH = operation("tiktok-business", "start").path


class GhlMockError(AssertionError):
    """A ghl-mock assertion failed, or the mock was misused."""


class ServerError(RuntimeError):
    """An exception was raised inside the mock while it served a request of this test."""


@dataclass(frozen=True)
class Connection:
    """What a completed consent flow gave: the message posted to ``window.opener``."""

    payload: dict[str, Any]

    @property
    def account_id(self) -> str | None:
        value = self.payload.get("accountId")
        return value if isinstance(value, str) else None


class Backend(Protocol):
    url: str

    def reset(self, session: str | None = None) -> None: ...
    def activate(self, name: str) -> None: ...
    def deactivate(self, name: str) -> None: ...
    def add_scenario(self, name: str, scenario: Mapping[str, Any], activate: bool) -> None: ...
    def remove_scenario(self, name: str) -> None: ...
    def journal(self) -> list[JournalEntry]: ...
    def take_errors(self) -> list[str]: ...


class _LocalBackend:
    """The app lives in this process: state is read and changed directly."""

    def __init__(self, app: Starlette, url: str):
        self.app = app
        self.url = url

    @property
    def ctx(self) -> MockContext:
        ctx = self.app.state.ctx
        assert isinstance(ctx, MockContext)
        return ctx

    def reset(self, session: str | None = None) -> None:
        self.ctx.state.reset(session)

    def activate(self, name: str) -> None:
        try:
            self.ctx.state.engine.activate(name)
        except KeyError:
            raise GhlMockError(f"ghl-mock has {unknown_scenario(name, self.ctx.state.engine.scenarios)}") from None

    def deactivate(self, name: str) -> None:
        self.ctx.state.engine.deactivate(name)

    def add_scenario(self, name: str, scenario: Mapping[str, Any], activate: bool) -> None:
        try:
            loaded = runtime_scenario(name, dict(scenario))
            self.ctx.state.engine.add(loaded)
        except ScenarioError as exc:
            problems = "; ".join(f"{field}: {reason}" for field, reason in exc.problems)
            raise GhlMockError(f"invalid scenario {name!r}: {problems}") from None
        except ValueError as exc:
            raise GhlMockError(
                f"{exc}: a run-time scenario cannot replace a scenario file; pick another name"
            ) from None
        if activate:
            self.ctx.state.engine.activate(name)

    def remove_scenario(self, name: str) -> None:
        try:
            self.ctx.state.engine.remove(name)
        except KeyError:
            raise GhlMockError(f"ghl-mock has {unknown_scenario(name, self.ctx.state.engine.scenarios)}") from None
        except ValueError as exc:
            raise GhlMockError(str(exc)) from None

    def journal(self) -> list[JournalEntry]:
        return self.ctx.state.journal.entries()

    def take_errors(self) -> list[str]:
        return self.ctx.state.take_errors()


class _RemoteBackend:
    """A server started elsewhere: everything goes through its control API."""

    def __init__(self, url: str, client: httpx.Client):
        self.url = url.rstrip("/")
        self._client = client

    def _call(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        try:
            response = self._client.request(method, f"{self.url}{path}", params=params, json=body)
        except httpx.TransportError as exc:
            raise GhlMockError(
                f"cannot reach the ghl-mock server at GHL_MOCK_URL={self.url}: {exc!r}; is `ghl-mock serve` running?"
            ) from None
        if response.status_code >= 400:
            raise GhlMockError(f"ghl-mock control API {method} {path}: {response.status_code} {response.text}")
        return response.json()

    def reset(self, session: str | None = None) -> None:
        self._call("POST", "/__mock/reset", **({"session": session} if session else {}))

    def activate(self, name: str) -> None:
        self._call("POST", f"/__mock/scenarios/{name}/activate")

    def deactivate(self, name: str) -> None:
        self._call("POST", f"/__mock/scenarios/{name}/deactivate")

    def add_scenario(self, name: str, scenario: Mapping[str, Any], activate: bool) -> None:
        self._call("POST", "/__mock/scenarios", {**scenario, "name": name}, activate=str(activate).lower())

    def remove_scenario(self, name: str) -> None:
        self._call("DELETE", f"/__mock/scenarios/{name}")

    def journal(self) -> list[JournalEntry]:
        data = self._call("GET", "/__mock/journal", limit="1000000")
        return [JournalEntry(**entry) for entry in data["entries"]]

    def take_errors(self) -> list[str]:
        errors: list[str] = self._call("POST", "/__mock/errors")["errors"]
        return errors


def _api_for(platform: str, version: str | None) -> Api:
    """The generation ``version`` selects for ``platform`` (None: v1 where the platform has it)."""
    wanted = generation(version)
    if wanted is not None:
        return wanted
    known = PLATFORMS.get(platform)
    return known.default_api if known is not None else "v1"


class GhlMock:
    """The mock, as a test sees it."""

    def __init__(
        self,
        backend: Backend,
        client: httpx.Client,
        secret: str,
        app: Starlette | None = None,
        *,
        errors_raise_in_test: bool = False,
        direct: ASGISyncTransport | None = None,
    ):
        self._backend = backend
        #: In-process, the client's transport: ``call`` goes through it without httpx.
        self._direct = direct
        self.client = client
        self.secret = secret
        self.app = app
        #: In-process, the mock's exceptions already raised in the test: do not raise them twice.
        self._errors_raise_in_test = errors_raise_in_test
        self._client_headers = httpx.Headers(client.headers)

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def in_process(cls, settings: Settings | None = None, app: Starlette | None = None) -> GhlMock:
        """No socket: ``client`` is bound to the ASGI app (exceptions raise in the caller)."""
        settings = settings or Settings()
        app = app or create_app(settings)
        transport = ASGISyncTransport(app)
        client = httpx.Client(transport=transport, base_url=IN_PROCESS_URL, follow_redirects=False)
        return cls(
            _LocalBackend(app, IN_PROCESS_URL),
            client,
            settings.secret.get_secret_value(),
            app,
            errors_raise_in_test=True,
            direct=transport,
        )

    @classmethod
    def live(cls, server: LiveServer, app: Starlette, settings: Settings) -> GhlMock:
        client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)
        return cls(_LocalBackend(app, server.url), client, settings.secret.get_secret_value(), app)

    @classmethod
    def remote(cls, url: str, secret: str) -> GhlMock:
        client = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
        return cls(_RemoteBackend(url, client), client, secret)

    @property
    def transport(self) -> httpx.BaseTransport:
        """A new transport for your own ``httpx.Client(transport=mock.transport, base_url=mock.url)``,
        whatever the mode: in-process it calls the app directly, live and remote it is a plain
        socket transport. The client that takes it owns and closes it."""
        if self.url == IN_PROCESS_URL and self.app is not None:
            return ASGISyncTransport(self.app)
        return httpx.HTTPTransport()

    @property
    def url(self) -> str:
        """Base URL to point a client at (in-process: only this object's clients reach it)."""
        return self._backend.url

    def async_client(self) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` bound to the mock (in-process: through ``httpx.ASGITransport``)."""
        if self.url == IN_PROCESS_URL and self.app is not None:
            transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 50001))
            return httpx.AsyncClient(transport=transport, base_url=self.url, follow_redirects=False)
        return httpx.AsyncClient(base_url=self.url, follow_redirects=False, timeout=30)

    def close(self) -> None:
        self.client.close()

    # --- tokens and requests ----------------------------------------------------------------

    def token(
        self,
        location_id: str | None = DEMO_LOCATION,
        *,
        company_id: str | None = None,
        scopes: Sequence[str] = SOCIAL_PLANNER_SCOPES,
        expires_in: int = 86399,
    ) -> str:
        """A bearer token the mock accepts (``company_id``: an Agency token; negative ``expires_in``: expired)."""
        auth_class: AuthClass = "Company" if company_id is not None else "Location"
        owner = company_id if company_id is not None else location_id
        if not owner:
            raise GhlMockError("a token needs a location_id or a company_id")
        return mint_token(self.secret, auth_class=auth_class, auth_class_id=owner, scopes=scopes, expires_in=expires_in)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
    ) -> Answer:
        """One request, answered as an ``Answer`` (``status_code``, ``headers``, ``content``, ``text``,
        ``json()``); redirects are not followed. In-process it skips httpx, which caps ``client``
        at about 3,900 requests a second on this API's 302s (docs/benchmarks.md): for tests that
        send thousands. ``path`` is sent as given (percent-encode it yourself); the client's
        headers (a session tag you set on it, say) are sent under ``headers``; its cookies are not.
        Live and remote, the request goes through ``client``."""
        if self._direct is None:
            given = httpx.Headers({"Content-Type": "application/json"} if json is not None else {})
            given.update(headers or {})
            body = json_body(json) if json is not None else content  # as call() builds it in-process
            response = self.client.request(method, with_params(path, params), headers=given, content=body)
            raw = [(name.lower(), value) for name, value in response.headers.raw]  # Headers matches lower-case names
            return Answer(response.status_code, Headers(raw=raw), response.content)
        sent = dict(self.client.headers.items())
        sent.update(headers or {})
        return self._direct.call(
            method, path, base_url=self.url, params=params, headers=sent, json=json, content=content
        )

    def headers(self, token: str | None = None, version: str = VERSION) -> dict[str, str]:
        """``Authorization`` and ``Version`` headers (a demo-location token unless one is given)."""
        return {"Authorization": f"Bearer {token or self.token()}", "Version": version}

    def connect(
        self,
        location_id: str = DEMO_LOCATION,
        user_id: str = DEMO_USER,
        *,
        decision: str = "approve",
        reconnect: bool = False,
        token: str | None = None,
        platform: str = "tiktok-business",
        version: str | None = None,
    ) -> Connection:
        """Run ``platform``'s start → consent → finish without a browser; returns the message the popup posts.

        ``version``: the ``Version`` sent (default 2021-07-28, or v3 for a platform only v3 has).
        """
        params = {"locationId": location_id, "userId": user_id, **({"reconnect": "true"} if reconnect else {})}
        api = _api_for(platform, version)
        version = version or ("v3" if api == "v3" else VERSION)
        try:
            start_path = self.path(platform, "start", api=api)
        except KeyError:
            raise GhlMockError(f"{platform!r} has no start operation under Version {version}") from None
        headers = self.headers(token or self.token(location_id), version)
        start = self.client.get(start_path, params=params, headers=headers)
        if start.status_code != 302:
            raise GhlMockError(f"start answered {start.status_code}: {start.text}")
        consent = httpx.URL(start.headers["location"])
        finish = self.client.get(
            consent.path.replace("/consent", "/finish"),
            params={**dict(consent.params), "decision": decision},
            headers={"Accept": "application/json"},  # the message itself, not the page
        )
        if finish.status_code != 200:
            raise GhlMockError(f"the finish page answered {finish.status_code}: {finish.text[:300]}")
        return Connection(finish.json()["payload"])

    @staticmethod
    def path(platform: str | None, kind: Kind, *, api: Api | None = None, **params: str) -> str:
        """The path of an operation from the operations table, parameters filled in, e.g.
        ``path("facebook", "accounts", locationId=..., accountId=...)``; ``platform`` is None for
        the ``list`` and ``delete`` operations. ``api="v3"``: the generic v3 form (google's
        ``/accounts/``); by default v1, or v3 for a platform only v3 has."""
        op: Operation
        if platform is None:
            op = account_operation(kind, api or "v1")
        else:
            op = operation(platform, kind, api or _api_for(platform, None))
        return path_of(op, **params)

    # --- scenarios, state, journal ----------------------------------------------------------

    def use_scenario(self, *names: str) -> None:
        """Activate scenarios (in this order) for the rest of the test."""
        for name in names:
            self._backend.activate(name)

    def stop_scenario(self, *names: str) -> None:
        for name in names:
            self._backend.deactivate(name)

    def add_scenario(self, name: str, scenario: Mapping[str, Any], *, activate: bool = False) -> None:
        """Add a scenario for this test from data shaped like a scenario file (validated the same
        way; every problem in the error). The next reset (each test's) removes it; the library's
        and your files' names cannot be taken."""
        self._backend.add_scenario(name, scenario, activate)

    def remove_scenario(self, name: str) -> None:
        """Remove a scenario ``add_scenario`` added."""
        self._backend.remove_scenario(name)

    def reset(self, session: str | None = None) -> None:
        """Forget what requests changed (or one session's positions); also restores this object's
        client to its original headers and no cookies, so nothing a test set leaks into the next."""
        self._backend.reset(session)
        if session is None:
            self.client.headers = httpx.Headers(self._client_headers)
            self.client.cookies.clear()

    @property
    def journal(self) -> list[JournalEntry]:
        """Recorded requests, newest first."""
        return self._backend.journal()

    def requests(
        self,
        path: str | None = None,
        *,
        method: str | None = None,
        status: int | None = None,
        session: str | None = None,
        step: str | None = None,
    ) -> list[JournalEntry]:
        where = JournalFilter(path=path, method=method, status=status, session=session, step=step)
        return [entry for entry in self.journal if where.accepts(entry)]

    def assert_called(
        self,
        path: str | None = None,
        *,
        method: str | None = None,
        status: int | None = None,
        session: str | None = None,
        step: str | None = None,
        times: int | None = None,
    ) -> list[JournalEntry]:
        """Assert requests matching the filter reached the mock (``times``: exactly that many).

        On failure the message lists the matching requests and the near misses: the requests that
        differ least from the filter, each with what differed.
        """
        __tracebackhide__ = True
        where = JournalFilter(path=path, method=method, status=status, session=session, step=step)
        entries = self.journal
        matched = [entry for entry in entries if where.accepts(entry)]
        if (times is None and matched) or (times is not None and len(matched) == times):
            return matched
        raise GhlMockError(_failure_message(where, times, matched, entries))

    def assert_not_called(self, path: str | None = None, **filters: Any) -> None:
        __tracebackhide__ = True
        self.assert_called(path, times=0, **filters)

    def raise_server_errors(self) -> None:
        """Raise what the mock raised while serving this test's requests (live and remote modes)."""
        __tracebackhide__ = True
        errors = self._backend.take_errors()
        if errors and not self._errors_raise_in_test:
            raise ServerError("the ghl-mock server raised while serving this test:\n" + "\n".join(errors))


def _describe(filter_: JournalFilter) -> str:
    parts = [f"{name}={value!r}" for name, value in vars_of(filter_).items() if value is not None]
    return ", ".join(parts) or "any request"


def vars_of(filter_: JournalFilter) -> dict[str, Any]:
    return {name: getattr(filter_, name) for name in ("path", "method", "status", "session", "step")}


def _line(entry: JournalEntry) -> str:
    why = entry.rule or entry.step or ""
    query = f"?{entry.query}" if entry.query else ""
    return f"#{entry.id} {entry.method} {entry.path}{query} -> {entry.status}{f' ({why})' if why else ''}"


def _failure_message(
    where: JournalFilter, times: int | None, matched: list[JournalEntry], entries: list[JournalEntry]
) -> str:
    def count(n: int) -> str:
        return f"{n} time{'s' if n != 1 else ''}"

    wanted = "at least once" if times is None else ("never" if times == 0 else f"exactly {count(times)}")
    lines = [f"ghl-mock: expected a request matching {_describe(where)} {wanted}; it was made {count(len(matched))}."]
    if matched:
        lines.append("Matching requests:")
        lines += [f"  {_line(e)}" for e in matched[:10]]
    near = sorted((entry for entry in entries if not where.accepts(entry)), key=lambda e: len(where.differences(e)))[:5]
    if near:
        lines.append("Near misses (closest first):")
        lines += [f"  {_line(e)}: {'; '.join(where.differences(e))}" for e in near]
    elif not entries:
        lines.append("The mock recorded no requests at all: is the client pointed at it?")
    return "\n".join(lines)
