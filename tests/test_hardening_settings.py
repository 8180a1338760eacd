"""Issue #12, "every setting validated with its variable named": each bad setting stops ghl-mock at
start-up (exit 2) with the option, its environment variable and the reason in the user's words."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from ghl_mock.app import create_app
from ghl_mock.cli import main
from ghl_mock.fixtures import FixtureError, load_fixtures
from ghl_mock.settings import NOT_SETTINGS, Settings, SettingsEnvironmentError, default_fixtures_dir
from tests.conftest import START, contract_client, headers

ROOT = Path(__file__).resolve().parent.parent
#: What pydantic says in its own words; a user should never see it.
JARGON = ("Input should", "Value error", "value_error", "validation error", "EnvSettingsSource", "error parsing")


def serve(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``ghl-mock serve`` up to the point where it would serve: its exit code (0: the settings were
    accepted) and output."""
    with mock.patch("ghl_mock.server.serve", return_value=0):
        result = CliRunner().invoke(main, ["serve", *args], env=env)
    assert "Traceback" not in result.output
    assert not any(word in result.output for word in JARGON), result.output
    return result.exit_code, result.output


# --- 1. --public-url ----------------------------------------------------------------------------

BAD_PUBLIC_URLS = [
    ("https://mock.example.test\r\nSet-Cookie: x=1", "control character"),
    ("https://mock.example.test/a\nb", "control character"),
    ("https://mock.example.test/\x00", "control character"),
    ("https://mock.example.test/a b", "whitespace"),
    ("javascript:alert(1)", "http:// or https://"),
    ("ftp://mock.example.test", "http:// or https://"),
    ("//mock.example.test", "http:// or https://"),
    ("/base", "http:// or https://"),
    ("mock.example.test:8080", "http:// or https://"),
    ("http://", "host"),
    ("http:///path", "host"),
    ("http://user:password@mock.example.test", "user name or password"),
    ("http://mock.example.test/?a=1", "query"),
    ("http://mock.example.test/#top", "fragment"),
    ("http://mock.example.test:99999", "port"),
    ("http://mock.example.test:http", "port"),
    ("http://mock_example!.test", "host"),
    ("http://[::1", "host"),
    ("https://mock.example.test/caf\u00e9", "percent-encode"),
]


@pytest.mark.parametrize(("value", "reason"), BAD_PUBLIC_URLS)
def test_a_bad_public_url_is_refused_at_start_up_naming_option_variable_and_reason(value: str, reason: str) -> None:
    ways: list[tuple[list[str], dict[str, str] | None]] = [(["--public-url", value], None)]
    if "\x00" not in value:  # no environment variable can hold a NUL
        ways.append(([], {"GHL_MOCK_PUBLIC_URL": value}))
    for args, env in ways:
        code, output = serve(*args, env=env)
        assert code == 2, output
        assert "public_url (--public-url / GHL_MOCK_PUBLIC_URL):" in output
        assert reason in output
        assert "\r" not in output and "\x00" not in output  # the value is shown escaped


def test_a_public_url_with_a_line_break_never_reaches_a_request() -> None:
    """Before issue #12 it did: the 302's Location carried the CR/LF and the server crashed answering."""
    with pytest.raises(ValidationError, match="control character"):
        Settings(public_url="http://mock.example.test\r\nX-Evil: 1")


@pytest.mark.parametrize(
    ("value", "base"),
    [
        ("https://mock.example.test/base/", "https://mock.example.test/base"),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("HTTPS://Mock.Example.test/A%20B", "HTTPS://Mock.Example.test/A%20B"),
    ],
)
def test_good_public_urls_are_used_with_the_trailing_slash_dropped(value: str, base: str) -> None:
    with contract_client(create_app(Settings(public_url=value))) as client:
        response = client.get(START, params={"locationId": "demo-location", "userId": "u"}, headers=headers())
    assert response.status_code == 302
    assert response.headers["location"].startswith(f"{base}/__mock/oauth/tiktok-business/consent?state=")


def test_an_empty_public_url_means_the_requests_own_host() -> None:
    assert Settings(public_url="").public_url is None
    assert CliRunner().invoke(main, ["token", "--location-id", "L"], env={"GHL_MOCK_PUBLIC_URL": ""}).exit_code == 0


# --- 2. --cors-origin ---------------------------------------------------------------------------

BAD_ORIGINS = [
    "bogus",
    "localhost:5173",
    "http://localhost:5173/path",
    "http://localhost:5173/*",
    "ftp://localhost",
    "file://",
    "null",
    "http://",
    "http://user@localhost",
    "http://localhost:abc",
    "http://localhost:99999",
    "http://localhost:*:*",
    "http://*.example.test",
    "http://localhost?x=1",
    "http://localhost#x",
    "http://local host",
    "http://localhost:5173\r\n",
    "",
]


@pytest.mark.parametrize("origin", BAD_ORIGINS)
def test_a_bad_cors_origin_is_refused_naming_option_variable_and_value(origin: str) -> None:
    for args, env in (
        (["--cors-origin", "http://localhost:5173", "--cors-origin", origin], None),
        ([], {"GHL_MOCK_CORS_ORIGINS": json.dumps(["http://localhost:5173", origin])}),
    ):
        code, output = serve(*args, env=env)
        assert code == 2, output
        assert "cors_origins (--cors-origin / GHL_MOCK_CORS_ORIGINS):" in output
        assert repr(origin) in output  # the bad value, escaped
        assert "scheme://host[:port]" in output


@pytest.mark.parametrize(
    ("origin", "kept"),
    [
        ("*", "*"),
        ("http://localhost:*", "http://localhost:*"),
        ("http://[::1]:*", "http://[::1]:*"),
        ("https://app.example.test:8443", "https://app.example.test:8443"),
        ("http://localhost:5173/", "http://localhost:5173"),
        ("http://localhost:*/", "http://localhost:*"),
        ("HTTP://LocalHost:5173", "http://localhost:5173"),
    ],
)
def test_good_cors_origins_are_kept_in_the_form_browsers_send(origin: str, kept: str) -> None:
    settings = Settings(cors_origins=[origin])
    assert settings.cors_origins == [kept]
    with contract_client(create_app(settings)) as client:
        asked = "https://other.example.test" if kept == "*" else kept.replace(":*", ":5173")
        query = {"locationId": "demo-location", "userId": "u"}
        response = client.get(START, params=query, headers={**headers(), "Origin": asked})
    assert response.headers.get("access-control-allow-origin") in (asked, "*")


def test_the_default_origins_and_no_cors_still_start() -> None:
    assert Settings().cors_origins == ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"]
    assert Settings(cors_origins=[]).cors_origins == []


def test_the_post_message_origin_is_checked_the_same_way() -> None:
    code, output = serve("--post-message-origin", 'http://a"</script>')
    assert code == 2
    assert "post_message_origin (--post-message-origin / GHL_MOCK_POST_MESSAGE_ORIGIN):" in output
    code, output = serve("--post-message-origin", "http://localhost:*")
    assert code == 2 and "any port" in output


# --- 3. unknown GHL_MOCK_* variables -------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "suggestion"),
    [
        ("GHL_MOCK_PROT", "GHL_MOCK_PORT"),
        ("GHL_MOCK_SCENARIO", "GHL_MOCK_SCENARIOS"),
        ("GHL_MOCK_CORS_ORIGIN", "GHL_MOCK_CORS_ORIGINS"),
        ("GHL_MOCK_PUBLICURL", "GHL_MOCK_PUBLIC_URL"),
        ("GHL_MOCK_SECRETS", "GHL_MOCK_SECRET"),
        ("ghl_mock_prot", "GHL_MOCK_PORT"),
    ],
)
def test_a_misspelt_variable_stops_start_up_with_a_suggestion(variable: str, suggestion: str) -> None:
    code, output = serve(env={variable: "9000"})
    assert code == 2, output
    assert f"{variable}: not a ghl-mock setting; did you mean {suggestion}?" in output


def test_an_unknown_variable_without_a_close_match_is_named_alone() -> None:
    code, output = serve(env={"GHL_MOCK_ZZZ_QQQ": "1"})
    assert code == 2
    assert "GHL_MOCK_ZZZ_QQQ: not a ghl-mock setting" in output
    assert "did you mean" not in output
    assert "README" in output or "ghl-mock serve --help" in output  # where the list of settings is


def test_an_unknown_variable_stops_every_command_and_the_python_api(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["token", "--location-id", "L"], env={"GHL_MOCK_SECRT": "x" * 40})
    assert result.exit_code == 2 and "did you mean GHL_MOCK_SECRET?" in result.output
    monkeypatch.setenv("GHL_MOCK_JOURNAL_SIZ", "5")
    with pytest.raises(SettingsEnvironmentError, match=r"GHL_MOCK_JOURNAL_SIZ: .*did you mean GHL_MOCK_JOURNAL_SIZE\?"):
        Settings()


def test_variables_other_ghl_mock_tools_read_are_not_settings_errors() -> None:
    env = dict.fromkeys(NOT_SETTINGS, "x")
    assert {"GHL_MOCK_URL", "GHL_MOCK_COMMAND", "GHL_MOCK_PACKAGE"} <= set(env)
    result = CliRunner().invoke(main, ["token", "--location-id", "L"], env=env)
    assert result.exit_code == 0, result.output


def test_every_ghl_mock_variable_the_repository_uses_is_a_setting_or_listed() -> None:
    """A new GHL_MOCK_* variable read by the JS helper, CI or the tests must join NOT_SETTINGS."""
    settings = {f"GHL_MOCK_{name.upper()}" for name in Settings.model_fields}
    where = [ROOT / "ghl_mock", ROOT / "js", ROOT / "tests", ROOT / "examples", ROOT / ".ci", ROOT / "container"]
    files = [ROOT / "Makefile"] + [p for d in where if d.is_dir() for p in d.rglob("*") if p.is_file()]
    used: dict[str, Path] = {}
    for path in files:
        if "node_modules" in path.parts or "__pycache__" in path.parts or path == Path(__file__):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for name in re.findall(r"GHL_MOCK_[A-Z0-9_]*[A-Z0-9]", text):
            used.setdefault(name, path)
    unknown = {name: str(path) for name, path in used.items() if name not in settings | set(NOT_SETTINGS)}
    assert not unknown, f"add these to ghl_mock.settings.NOT_SETTINGS (with who reads them): {unknown}"


# --- 4. list values in the environment -----------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "example"),
    [
        ("GHL_MOCK_SCENARIOS", "not json", '["rate-limited"]'),
        ("GHL_MOCK_SCENARIOS", "rate-limited", '["rate-limited"]'),
        ("GHL_MOCK_CORS_ORIGINS", "[1", '["http://localhost:5173"]'),
        ("GHL_MOCK_CORS_ORIGINS", "http://localhost:5173", '["http://localhost:5173"]'),
        ("GHL_MOCK_LEGACY_PLATFORMS", '"twitter"', '["twitter"]'),
        ("GHL_MOCK_EXTRA_SCENARIOS", "{}", '["./my-scenarios"]'),
    ],
)
def test_a_list_variable_that_is_not_a_json_list_says_so(variable: str, value: str, example: str) -> None:
    code, output = serve(env={variable: value})
    assert code == 2, output
    assert f"{variable}: expected a JSON list such as {example}, got {value!r}" in output


def test_a_json_list_of_the_wrong_items_names_the_variable_in_plain_words() -> None:
    code, output = serve(env={"GHL_MOCK_CORS_ORIGINS": "[1]"})
    assert code == 2
    assert "cors_origins (--cors-origin / GHL_MOCK_CORS_ORIGINS): item 1: expected text, got 1" in output


def test_every_environment_problem_is_listed_at_once() -> None:
    code, output = serve(env={"GHL_MOCK_SCENARIOS": "x", "GHL_MOCK_PROT": "1"})
    assert code == 2
    assert "GHL_MOCK_SCENARIOS: expected a JSON list" in output
    assert "GHL_MOCK_PROT: not a ghl-mock setting" in output


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--port", "99999"], None, "port (--port / GHL_MOCK_PORT): must be at most 65535, got 99999"),
        ([], {"GHL_MOCK_PORT": "eighty"}, "port (--port / GHL_MOCK_PORT): expected a whole number, got 'eighty'"),
        ([], {"GHL_MOCK_WATCH": "maybe"}, "watch (--watch / GHL_MOCK_WATCH): expected true or false"),
        (["--state-ttl", "0"], None, "state_ttl (--state-ttl / GHL_MOCK_STATE_TTL): must be at least 1, got 0"),
        ([], {"GHL_MOCK_CONSENT_OUTCOME": "yes"}, "expected one of 'manual', 'approve' or 'cancel', got 'yes'"),
        ([], {"GHL_MOCK_SECRET": "short"}, "secret (GHL_MOCK_SECRET): must be at least 32 characters"),
    ],
)
def test_other_bad_values_are_told_in_plain_words(args: list[str], env: dict[str, str] | None, says: str) -> None:
    code, output = serve(*args, env=env)
    assert code == 2
    assert says in output


def test_the_secret_is_never_echoed() -> None:
    code, output = serve(env={"GHL_MOCK_SECRET": "tiny-but-private"})
    assert code == 2 and "tiny-but-private" not in output


# --- 5. fixture file errors ----------------------------------------------------------------------


def test_a_whole_file_problem_says_file_and_reason_without_a_placeholder(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), fixtures)
    (fixtures / "tokens.json").unlink()
    with pytest.raises(FixtureError) as caught:
        load_fixtures(fixtures)
    assert str(caught.value) == f"{fixtures / 'tokens.json'}: file not found"
    with pytest.raises(FixtureError) as caught:
        load_fixtures(tmp_path / "nope")
    assert str(caught.value) == f"{tmp_path / 'nope'}: not a directory"


def test_a_rule_over_the_whole_file_says_file_and_reason(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), fixtures)
    pit = {"token": "pit-1", "authClass": "Location", "locationId": "l", "scopes": []}
    (fixtures / "tokens.json").write_text(json.dumps({"privateIntegrationTokens": [pit, pit]}))
    with pytest.raises(FixtureError) as caught:
        load_fixtures(fixtures)
    assert str(caught.value) == f"{fixtures / 'tokens.json'}: the same token is listed twice"


def test_a_field_problem_still_names_the_field(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), fixtures)
    (fixtures / "locations.json").write_text(
        json.dumps({"defaultAccounts": {}, "locations": [{"id": "l", "name": "n", "companyId": "c", "x": 1}]})
    )
    with pytest.raises(FixtureError) as caught:
        load_fixtures(fixtures)
    assert str(caught.value).startswith(f"{fixtures / 'locations.json'}: locations[0].x: ")


@pytest.mark.parametrize("url", ["http://ghl_mock:8080", "http://mock.example.test.", "http://[fe80::1%25eth0]:8080"])
def test_compose_service_names_trailing_dots_and_ipv6_zones_are_good_public_urls(url: str) -> None:
    assert Settings(public_url=url).public_url == url


def test_a_cors_origin_may_name_a_compose_service() -> None:
    assert "http://my_app:3000" in Settings(cors_origins=["http://my_app:3000"]).cors_origins
