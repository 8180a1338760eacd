"""The command line's start-up with the cyclic collector paused (``ghl_mock/startup.py``).

The collector must come back on in every case: ``serve`` once it is ready (start-up's objects
frozen first), every other command at once, and a library import never touches it.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from ghl_mock import cli, server, startup


@pytest.fixture(autouse=True)
def restore_the_collector() -> Iterator[None]:
    yield
    startup._paused = False
    gc.unfreeze()
    gc.enable()


def test_pause_then_resume_turns_the_collector_back_on() -> None:
    startup.pause()
    assert not gc.isenabled()
    startup.resume()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_resume_with_freeze_moves_what_is_alive_to_the_permanent_generation() -> None:
    startup.pause()
    startup.resume(freeze=True)
    assert gc.isenabled() and gc.get_freeze_count() > 0


def test_resume_leaves_a_collector_it_did_not_pause_alone() -> None:
    gc.disable()  # turned off by someone else (a test harness, the user)
    startup.pause()
    startup.resume(freeze=True)
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_commands_other_than_serve_turn_it_back_on_at_once() -> None:
    startup.pause()
    result = CliRunner().invoke(cli.main, ["token", "--location-id", "loc-1"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()


def test_serve_turns_it_back_on_once_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    class Ready:
        def __init__(self, on_ready: Any) -> None:
            self.on_ready = on_ready

        def run(self, sockets: Any) -> None:
            seen["before"] = gc.isenabled()
            self.on_ready()
            seen["after"] = (gc.isenabled(), gc.get_freeze_count() > 0)

    monkeypatch.setattr(server, "build_server", lambda app, **kw: Ready(kw["on_ready"]))
    startup.pause()
    result = CliRunner().invoke(cli.main, ["serve", "--port", "0", "--no-access-log"])
    assert result.exit_code == 0, result.output
    assert seen == {"before": False, "after": (True, True)}


def test_the_console_script_and_python_m_go_through_startup() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "ghl-mock"]
    assert script.value == "ghl_mock.startup:main"
    run = subprocess.run([sys.executable, "-m", "ghl_mock", "token", "--location-id", "loc-1"], capture_output=True)
    assert run.returncode == 0 and run.stdout.count(b".") == 2  # a JWT, through startup.main


def test_importing_the_library_leaves_the_collector_alone() -> None:
    code = "import gc; import ghl_mock.testing, ghl_mock.pytest_plugin, ghl_mock.cli; print(gc.isenabled())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
