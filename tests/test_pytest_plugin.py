"""The pytest plugin, used the way a user would: test files run by pytester."""

from __future__ import annotations

import pytest

from ghl_mock.app import create_app
from ghl_mock.live import LiveServer
from ghl_mock.settings import Settings

USER_TESTS = """
import httpx
import pytest

START = "/social-media-posting/oauth/tiktok-business/start"
QUERY = {"locationId": "demo-location", "userId": "demo-user"}


def test_client_changes_do_not_leak_a(ghl_mock):
    ghl_mock.client.headers["Version"] = "bogus-version"
    ghl_mock.client.cookies.set("c", "1")


def test_client_changes_do_not_leak_b(ghl_mock):
    assert "Version" not in ghl_mock.client.headers and not ghl_mock.client.cookies
    assert ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers()).status_code == 302


def test_journal_ids_start_at_one(ghl_mock):
    ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers())
    assert [entry.id for entry in ghl_mock.journal] == [1]


@pytest.mark.ghl_scenario("empty-reply")
def test_a_deliberate_fault_is_reported_once(ghl_mock):
    with pytest.raises(httpx.RemoteProtocolError):
        ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers())


def test_in_process_start_redirects(ghl_mock):
    response = ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers())
    assert response.status_code == 302
    ghl_mock.assert_called(START, status=302, times=1)


def test_each_test_starts_with_an_empty_journal(ghl_mock):
    assert ghl_mock.journal == []


def test_tokens(ghl_mock):
    expired = ghl_mock.token(expires_in=-5)
    response = ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers(expired))
    assert response.json() == {"statusCode": 401, "message": "Invalid JWT"}
    agency = ghl_mock.token(company_id="demo-company")
    assert ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers(agency)).status_code == 401


def test_connect_and_accounts(ghl_mock):
    connection = ghl_mock.connect(reconnect=True)
    assert connection.payload["page"] == "social_media_posting"
    assert connection.payload["reconnectAccounts"]
    path = f"/social-media-posting/oauth/demo-location/tiktok-business/accounts/{connection.account_id}"
    body = ghl_mock.client.get(path, headers=ghl_mock.headers()).json()
    assert [p["username"] for p in body["results"]["profile"]] == ["demo_bakery", "demo_bakery_cakes"]
    assert ghl_mock.connect(decision="cancel").account_id is None


def test_own_client_through_the_transport(ghl_mock):
    with httpx.Client(transport=ghl_mock.transport, base_url=ghl_mock.url) as mine:
        assert mine.get(START, params=QUERY, headers=ghl_mock.headers()).status_code == 302


async def test_async_client(ghl_mock):
    async with ghl_mock.async_client() as client:
        response = await client.get(START, params=QUERY, headers=ghl_mock.headers())
    assert response.status_code == 302


@pytest.mark.ghl_scenario("rate-limited")
def test_marker_selects_a_scenario(ghl_mock):
    first = ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers())
    assert first.status_code == 429 and first.headers["retry-after"] == "2"
    ghl_mock.assert_called(START, step="rate-limited/1", times=1)


def test_scenarios_do_not_leak_into_the_next_test(ghl_mock):
    assert ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers()).status_code == 302


def test_use_scenario_in_the_body(ghl_mock):
    ghl_mock.use_scenario("gateway-503")
    assert ghl_mock.client.get(START, params=QUERY, headers=ghl_mock.headers()).status_code == 503


def test_live_server(ghl_mock_server):
    assert ghl_mock_server.url.startswith("http://127.0.0.1:")
    response = httpx.get(ghl_mock_server.url + START, params=QUERY, headers=ghl_mock_server.headers())
    assert response.status_code == 302
    ghl_mock_server.assert_called(START, times=1)


@pytest.mark.ghl_scenario("invalid-jwt")
def test_live_server_with_a_scenario(ghl_mock_server):
    response = httpx.get(ghl_mock_server.url + START, params=QUERY, headers=ghl_mock_server.headers())
    assert response.json()["message"] == "Invalid JWT"
"""

PLUGIN_OPTIONS = ["-p", "no:cacheprovider", "-W", "error"]  # a user's strict warnings must not trip on us


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=source)
    return pytester.runpytest_subprocess(*PLUGIN_OPTIONS, *args)


@pytest.fixture
def anyio_free(pytester: pytest.Pytester) -> None:
    """The async user test runs through a tiny conftest hook (the user's choice of async plugin)."""
    pytester.makeconftest(
        """
import asyncio, inspect

def pytest_pyfunc_call(pyfuncitem):
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**kwargs))
        return True
"""
    )


def test_fixtures_marker_and_isolation(pytester: pytest.Pytester, anyio_free: None) -> None:
    result = run(pytester, USER_TESTS)
    result.assert_outcomes(passed=15)


def test_the_same_suite_under_xdist(pytester: pytest.Pytester, anyio_free: None) -> None:
    result = run(pytester, USER_TESTS, "-n", "2")
    result.assert_outcomes(passed=15)


def test_the_same_suite_against_a_remote_server(
    pytester: pytest.Pytester, anyio_free: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LiveServer(create_app(Settings())) as server:
        monkeypatch.setenv("GHL_MOCK_URL", server.url)
        result = run(pytester, USER_TESTS)
    result.assert_outcomes(passed=15)


def test_assertion_failures_list_near_misses(pytester: pytest.Pytester) -> None:
    source = """
START = "/social-media-posting/oauth/tiktok-business/start"

def test_expects_a_401(ghl_mock):
    ghl_mock.client.get(START, params={"locationId": "demo-location", "userId": "u"}, headers=ghl_mock.headers())
    ghl_mock.client.get(START, params={"userId": "u"})
    ghl_mock.client.post("/social-media-posting/oauth/x")
    ghl_mock.assert_called(START, status=401, method="GET", times=2)

def test_nothing_recorded(ghl_mock):
    ghl_mock.assert_called("/social-media-posting")
"""
    result = run(pytester, source)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*ghl-mock: expected a request matching path='/social-media-posting/oauth/tiktok-business/start',"
            " method='GET', status=401 exactly 2 times; it was made 1 time.",
            "*Matching requests:",
            "*#2 GET /social-media-posting/oauth/tiktok-business/start?userId=u -> 401 (version_missing)",
            "*Near misses (closest first):",
            "*#1 GET /social-media-posting/oauth/tiktok-business/start?locationId=demo-location&userId=u -> 302:"
            " status 302 is not 401",
            "*#3 POST /social-media-posting/oauth/x -> 404 (not_found): path '/social-media-posting/oauth/x'"
            " does not contain '/social-media-posting/oauth/tiktok-business/start';"
            " method POST is not GET; status 404 is not 401",
            "*The mock recorded no requests at all: is the client pointed at it?",
        ]
    )


def test_an_unknown_marker_scenario_fails_clearly(pytester: pytest.Pytester) -> None:
    source = """
import pytest

@pytest.mark.ghl_scenario("no-such-thing")
def test_it(ghl_mock):
    pass

@pytest.mark.ghl_scenario("rate-limitd")
def test_misspelt(ghl_mock):
    pass
"""
    result = run(pytester, source)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*@pytest.mark.ghl_scenario: ghl-mock has no scenario named 'no-such-thing'*"])
    out = result.stdout.str()
    assert "'rate-limitd' (did you mean 'rate-limited'?)" in out
    # Once in the error report, not chained twice. The short summary repeats it, whole when the
    # CI variable is set (pytest truncates it only outside CI), so count above that section.
    report = out.split("short test summary info")[0]
    assert report.count("has no scenario named 'rate-limitd'") == 1, out
    assert "During handling of the above exception" not in out
    assert "… and " in out and "more (GET /__mock/scenarios lists them all)" in out  # not all 38 names


def test_server_thread_errors_surface_in_the_test(pytester: pytest.Pytester) -> None:
    source = """
import httpx
from starlette.routing import Route

async def boom(request):
    raise ZeroDivisionError("raised inside the mock")

def test_causes_a_server_error(ghl_mock_server):
    ghl_mock_server.app.router.routes.insert(0, Route("/boom", boom))
    assert httpx.get(ghl_mock_server.url + "/boom").status_code == 500

def test_the_next_test_is_clean(ghl_mock_server):
    assert httpx.get(ghl_mock_server.url + "/__mock/health").status_code == 200
"""
    result = run(pytester, source, "-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_causes_a_server_error*", "*ZeroDivisionError: raised inside the mock*"]
    )


def test_settings_fixture_can_be_overridden(
    pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scenarios = tmp_path_factory.mktemp("own")
    (scenarios / "mine.yaml").write_text("description: mine\nsteps:\n  - {gateway: 502, repeat: forever}\n")
    pytester.makeconftest(
        f'''
import pytest
from ghl_mock.settings import Settings

@pytest.fixture(scope="session")
def ghl_mock_settings():
    return Settings(scenarios_dir=r"{scenarios}")
'''
    )
    source = """
import pytest

@pytest.mark.ghl_scenario("mine")
def test_own_scenario(ghl_mock):
    r = ghl_mock.client.get("/social-media-posting/oauth/tiktok-business/start", headers=ghl_mock.headers())
    assert r.status_code == 502
"""
    run(pytester, source).assert_outcomes(passed=1)


def test_remote_mode_refuses_xdist_clearly(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHL_MOCK_URL", "http://127.0.0.1:9")
    source = "def test_a(ghl_mock):\n    pass\n\ndef test_b(ghl_mock):\n    pass\n"
    result = run(pytester, source, "-n", "2")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*GHL_MOCK_URL with pytest-xdist: the workers would share one mock*"])


def test_an_unreachable_remote_server_is_named(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHL_MOCK_URL", "http://127.0.0.1:9")
    result = run(pytester, "def test_a(ghl_mock):\n    pass\n")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cannot reach the ghl-mock server at GHL_MOCK_URL=http://127.0.0.1:9*"])


def test_a_marker_without_a_fixture_fails_clearly(pytester: pytest.Pytester) -> None:
    source = "import pytest\n\n@pytest.mark.ghl_scenario('rate-limited')\ndef test_it():\n    pass\n"
    result = run(pytester, source)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.ghl_scenario needs the ghl_mock or ghl_mock_server fixture*"])
