"""The command line. It only parses options and hands them to ``Settings``; nothing else lives here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError

from ghl_mock import startup
from ghl_mock.platforms import SOCIAL_PLANNER_SCOPES
from ghl_mock.settings import Settings, SettingsEnvironmentError, env_name, problems
from ghl_mock.tokens import DEFAULT_EXPIRES_IN, mint_token


def load_settings(**given: Any) -> Settings:
    """Settings from the options the user gave (others come from ``GHL_MOCK_*`` or defaults).

    A bad setting exits 2 with one line per problem: the setting, its option and variable, the
    reason (or the variable alone, for a problem only the environment can have)."""
    overrides = {name: value for name, value in given.items() if value is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [f"  {name} ({_where(name)}): {reason}" if name else f"  {reason}" for name, reason in problems(exc)]
    except SettingsEnvironmentError as exc:
        lines = [f"  {variable}: {reason}" for variable, reason in exc.problems]
    except SettingsError as exc:  # pydantic-settings' own, which the checks above should leave none of
        lines = [f"  {exc}"]
    click.echo("ghl-mock: invalid settings:\n" + "\n".join(lines), err=True)
    sys.exit(2)


#: Settings with no command-line option (environment only).
_ENV_ONLY = {"secret"}
#: Settings whose option is spelled differently from the field (repeatable options are singular).
_OPTION = {
    "cors_origins": "--cors-origin",
    "scenarios": "--scenario",
    "legacy_platforms": "--legacy-platform",
    "extra_scenarios": "--extra-scenarios",
}
_EXTRA = click.option(
    "--extra-scenarios",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Another directory of your own scenario files, layered over the library. Repeatable.",
)


def _where(field: str) -> str:
    env = env_name(field)
    return env if field in _ENV_ONLY else f"{_OPTION.get(field, '--' + field.replace('_', '-'))} / {env}"


@click.group()
@click.version_option(package_name="ghl-mock", prog_name="ghl-mock")
@click.pass_context
def main(ctx: click.Context) -> None:
    """ghl-mock: HighLevel's Social Planner OAuth API (every v1 platform) on localhost."""
    if ctx.invoked_subcommand != "serve":
        startup.resume()  # serve resumes the collector once ready (startup.py)


@main.command()
@click.option("--host", default=None, help="Interface to bind.  [default: 127.0.0.1]")
@click.option("--port", type=int, default=None, help="Port; 0 picks a free one.  [default: 8080]")
@click.option(
    "--fixtures",
    type=click.Path(path_type=Path),
    default=None,
    help="Directory with locations.json and tokens.json.  [default: the demo set]",
)
@click.option(
    "--strict-version/--no-strict-version",
    default=None,
    help="Accept only each spec's documented Version (2021-07-28 for v1, v3 for v3).  [default: no]",
)
@click.option("--public-url", default=None, help="Base URL for redirects, e.g. behind a proxy.")
@click.option("--state-ttl", type=int, default=None, help="Seconds a consent state stays valid. [default: 600]")
@click.option("--access-log/--no-access-log", default=None, help="One line per request.  [default: on]")
@click.option(
    "--post-message-origin",
    default=None,
    help="targetOrigin the finish page posts to (e.g. http://localhost:5173).  [default: *]",
)
@click.option(
    "--consent-outcome",
    type=click.Choice(["manual", "approve", "cancel"]),
    default=None,
    help="Consent page waits for a click, or approves/cancels at once (CI).  [default: manual]",
)
@click.option(
    "--browser-navigation",
    type=click.Choice(["accept", "strict"]),
    default=None,
    help="A window.open() of a start URL without Version/Authorization: accept, or refuse with the 401 JSON."
    "  [default: accept]",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help="Origin allowed to call the API from a browser (repeatable; ':*' = any port)."
    "  [default: http://localhost:*, http://127.0.0.1:*, http://[::1]:*]",
)
@click.option("--no-cors", is_flag=True, default=False, help="Send no CORS headers at all.")
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    help="Activate this scenario (a file name in the scenarios directory, without extension). Repeatable.",
)
@click.option("--scenarios-dir", type=click.Path(path_type=Path), default=None, help="Where scenario files live.")
@_EXTRA
@click.option("--watch/--no-watch", default=None, help="Reload scenario files when they change.  [default: no]")
@click.option("--seed", type=int, default=None, help="Seed for random latency, so runs repeat exactly.")
@click.option("--journal-size", type=int, default=None, help="Requests the journal keeps.  [default: 1000]")
@click.option(
    "--allow-remote-control/--no-allow-remote-control",
    default=None,
    help="Let non-loopback clients use the control API.  [default: no]",
)
@click.option(
    "--legacy-platform",
    "legacy_platforms",
    multiple=True,
    help="Serve a retired platform (twitter) as before, instead of its 400. Repeatable.",
)
def serve(**options: Any) -> None:
    """Serve the mock until interrupted (Ctrl-C or SIGTERM)."""
    for repeatable in ("cors_origins", "scenarios", "legacy_platforms", "extra_scenarios"):
        if not options[repeatable]:
            options[repeatable] = None  # not given: keep the environment's or the default list
    if options.pop("no_cors"):
        options["cors_origins"] = []
    from ghl_mock.server import serve as run_server

    sys.exit(run_server(load_settings(**options)))


@main.group()
def scenarios() -> None:
    """List, validate and describe scenario files."""


@scenarios.command("list")
@click.option("--scenarios-dir", type=click.Path(path_type=Path), default=None)
@_EXTRA
def list_scenarios(scenarios_dir: Path | None, extra_scenarios: tuple[Path, ...]) -> None:
    """Name and one-line description of every scenario file."""
    from ghl_mock.scenarios.loader import load_directories

    settings = load_settings(scenarios_dir=scenarios_dir, extra_scenarios=list(extra_scenarios) or None)
    result = load_directories(settings.scenario_dirs)
    width = max((len(name) for name in result.scenarios), default=0)
    for name, loaded in sorted(result.scenarios.items()):
        click.echo(f"{name.ljust(width)}  {loaded.scenario.description}")
    for error in result.errors:
        click.echo(f"ghl-mock: invalid scenario file: {error}", err=True)
    sys.exit(1 if result.errors else 0)


@scenarios.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--scenarios-dir", type=click.Path(path_type=Path), default=None)
@_EXTRA
def validate(files: tuple[Path, ...], scenarios_dir: Path | None, extra_scenarios: tuple[Path, ...]) -> None:
    """Check scenario FILES (default: every file in the scenarios directories)."""
    from ghl_mock.scenarios.loader import ScenarioError, load_file, scenario_files

    settings = load_settings(scenarios_dir=scenarios_dir, extra_scenarios=list(extra_scenarios) or None)
    paths = list(files) or [path for directory in settings.scenario_dirs for path in scenario_files(directory)]
    failed = 0
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            loaded = load_file(path)
            if loaded.name in seen:
                reason = f"the name {loaded.name!r} is taken by {seen[loaded.name]}; rename one of them"
                raise ScenarioError(path, "(file name)", reason)
            seen[loaded.name] = path
            click.echo(f"ok       {path}")
        except ScenarioError as exc:
            failed += 1
            for line in str(exc).splitlines():  # every problem of the file, one line each
                click.echo(f"invalid  {line}")
    click.echo(f"{len(paths) - failed} valid, {failed} invalid")
    sys.exit(1 if failed else 0)


@scenarios.command()
def schema() -> None:
    """Print the JSON Schema of a scenario file (for editors)."""
    import json

    from ghl_mock.scenarios.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


@main.command()
@click.option("--location-id", default=None, help="Mint a Sub-Account (Location) token for this location.")
@click.option("--company-id", default=None, help="Mint an Agency (Company) token for this company instead.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    help="A scope to grant (repeatable).  [default: every Social Planner scope]",
)
@click.option(
    "--expires-in",
    type=int,
    default=DEFAULT_EXPIRES_IN,
    show_default=True,
    help="Lifetime in seconds; negative mints an expired token.",
)
def token(location_id: str | None, company_id: str | None, scopes: tuple[str, ...], expires_in: int) -> None:
    """Print a bearer token the server accepts (signed with GHL_MOCK_SECRET)."""
    if (location_id is None) == (company_id is None):
        raise click.UsageError("give exactly one of --location-id (Sub-Account) or --company-id (Agency)")
    if not (location_id or company_id or "").strip():
        raise click.UsageError("the location or company id must not be empty")
    settings = load_settings()
    click.echo(
        mint_token(
            settings.secret.get_secret_value(),
            auth_class="Location" if location_id is not None else "Company",
            auth_class_id=location_id if location_id is not None else str(company_id),
            scopes=scopes or SOCIAL_PLANNER_SCOPES,
            expires_in=expires_in,
        )
    )


@main.command()
@click.option("--host", default=None, help="The server's bind address.  [default: GHL_MOCK_HOST or 127.0.0.1]")
@click.option("--port", type=int, default=None, help="The server's port.  [default: GHL_MOCK_PORT or 8080]")
@click.option("--timeout", type=float, default=3.0, show_default=True, help="Seconds to wait for the answer.")
def health(host: str | None, port: int | None, timeout: float) -> None:
    """Exit 0 if a ghl-mock server answers /__mock/health (a container HEALTHCHECK; any bind address)."""
    import http.client

    settings = load_settings(host=host, port=port)
    # Bound to every interface: loopback reaches it (and is what a container HEALTHCHECK has).
    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(settings.host, settings.host)  # noqa: S104
    connection = http.client.HTTPConnection(target, settings.port, timeout=timeout)
    try:
        connection.request("GET", "/__mock/health")
        status = connection.getresponse().status
    except OSError as exc:
        click.echo(f"ghl-mock: no answer from http://{_netloc(target, settings.port)}/__mock/health: {exc}", err=True)
        sys.exit(1)
    finally:
        connection.close()
    if status != 200:
        click.echo(f"ghl-mock: http://{_netloc(target, settings.port)}/__mock/health answered {status}", err=True)
        sys.exit(1)
    click.echo(f"healthy: http://{_netloc(target, settings.port)}")


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# --- record and compare (issue #14) --------------------------------------------------------------


@main.command()
@click.option("--upstream", default=None, help="Base URL every request is forwarded to (and nowhere else).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the proxy binds.")
@click.option("--port", type=click.IntRange(0, 65535), default=8090, show_default=True, help="0 picks a free one.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="The capture file to write (a new file; default capture.jsonl); with --to-scenario, the scenario file "
    "(default NAME.yaml).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=0),
    default=1024 * 1024,
    show_default=True,
    help="Largest request or answer body, in bytes.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds the upstream gets to answer.",
)
@click.option("--to-scenario", "scenario_name", default=None, help="Turn the capture --from into scenario NAME.")
@click.option(
    "--from", "source", type=click.Path(path_type=Path), default=None, help="The capture --to-scenario reads."
)
def record(
    upstream: str | None,
    host: str,
    port: int,
    out: Path | None,
    max_body: int,
    timeout: float,
    scenario_name: str | None,
    source: Path | None,
) -> None:
    """Record: a proxy to --upstream that writes every exchange, masked, to a capture file.

    With --to-scenario NAME --from CAPTURE: write the capture as a scenario that replays each
    recorded answer exactly.
    """
    from ghl_mock import record as recording

    if scenario_name is not None:
        if source is None or upstream is not None:
            raise click.UsageError("--to-scenario takes --from CAPTURE (and no --upstream)")
        sys.exit(recording.write_scenario(scenario_name, source, out))
    if upstream is None or source is not None:
        raise click.UsageError("give --upstream URL to record (or --to-scenario NAME --from CAPTURE)")
    try:
        base = recording.parse_upstream(upstream)
    except recording.UpstreamError as exc:
        raise click.BadParameter(str(exc), param_hint="--upstream") from None
    out = out or Path("capture.jsonl")
    if out.exists():
        raise click.BadParameter(f"{out} exists: a capture is never overwritten", param_hint="--out")
    from ghl_mock.compare import ghl_mock_version

    sys.exit(recording.run(base, out, host, port, max_body, timeout, ghl_mock_version()))


@main.command()
@click.argument("capture", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The report as JSON (to attach to a bug report).")
@click.option(
    "--ignore",
    multiple=True,
    help="A difference not to report, by where it is: 'header content-type', 'body.results'. Repeatable.",
)
@click.option("--fixtures", type=click.Path(path_type=Path), default=None, help="The mock's demo data directory.")
@click.option("--strict-version/--no-strict-version", default=None, help="Compare against a --strict-version mock.")
@click.option("--scenario", "scenarios", multiple=True, help="Activate this scenario in the mock. Repeatable.")
@_EXTRA
@click.option("--legacy-platform", "legacy_platforms", multiple=True, help="Serve a retired platform (twitter).")
def compare(
    capture: Path,
    as_json: bool,
    ignore: tuple[str, ...],
    fixtures: Path | None,
    strict_version: bool | None,
    scenarios: tuple[str, ...],
    extra_scenarios: tuple[Path, ...],
    legacy_platforms: tuple[str, ...],
) -> None:
    """Replay CAPTURE against the mock (in-process) and report what answers differently.

    Exit 0: no differences; 1: differences; 2: a bad capture file or option.
    """
    from ghl_mock.compare import run_cli

    settings = load_settings(
        access_log=False,
        fixtures=fixtures,
        strict_version=strict_version,
        scenarios=list(scenarios) or None,
        extra_scenarios=list(extra_scenarios) or None,
        legacy_platforms=list(legacy_platforms) or None,
    )
    sys.exit(run_cli(capture, settings, ignore, as_json))
