"""Scenario files → models. A bad file is reported with its file, field and reason."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ghl_mock.file_errors import TOO_DEEP, FileError, all_errors, read_text
from ghl_mock.scenarios.model import Scenario

SUFFIXES = (".yaml", ".yml", ".json")
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class ScenarioError(FileError):
    """A scenario file is missing, unreadable or invalid."""

    #: Every (field, reason) found, the first being ``field``/``reason``.
    problems: list[tuple[str, str]]

    def __init__(self, file: Path, field: str, reason: str):
        super().__init__(file, field, reason)
        self.problems = [(field, reason)]

    @classmethod
    def of(cls, file: Path, problems: list[tuple[str, str]]) -> ScenarioError:
        """Every problem of a file at once; ``str()`` gives one ``file: field: reason`` line each."""
        error = cls(file, *problems[0])
        error.problems = problems
        error.args = ("\n".join(str(cls(file, field, reason)) for field, reason in problems),)
        return error


#: Where a scenario added through the control API (or ``GhlMock.add_scenario``) says it came from.
RUNTIME_SOURCE = Path("(added at run time)")


@dataclass(frozen=True)
class LoadedScenario:
    name: str
    file: Path
    scenario: Scenario

    @property
    def runtime(self) -> bool:
        """Added while the server runs, not read from a file: a full reset removes it."""
        return self.file == RUNTIME_SOURCE


@dataclass
class LoadResult:
    scenarios: dict[str, LoadedScenario] = field(default_factory=dict)
    errors: list[ScenarioError] = field(default_factory=list)


def scenario_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(
        p for p in directory.iterdir() if p.suffix in SUFFIXES and not p.name.endswith(".schema.json") and p.is_file()
    )


def load_file(path: Path) -> LoadedScenario:
    name = path.stem
    if not NAME.match(name):
        raise ScenarioError(path, "(file name)", "use lowercase letters, digits, '.', '_' or '-'")
    text = read_text(path, ScenarioError)
    data = _parse(path, text)
    try:
        return LoadedScenario(name, path, Scenario.model_validate(data))
    except ValidationError as exc:
        raise ScenarioError.of(path, all_errors(exc)) from None
    except RecursionError:
        raise ScenarioError(path, "-", TOO_DEEP) from None


def load_directory(directory: Path) -> LoadResult:
    return load_directories([directory])


def load_directories(directories: Sequence[Path]) -> LoadResult:
    """Every scenario file of ``directories``, the first (the built-in library) underneath: a name
    found twice is reported on the later file, naming the earlier one, and the earlier one stays."""
    result = LoadResult()
    for directory in directories:
        for path in scenario_files(directory):
            try:
                loaded = load_file(path)
            except ScenarioError as exc:
                result.errors.append(exc)
                continue
            if loaded.name in result.scenarios:
                other = result.scenarios[loaded.name].file
                where = other.name if other.parent == path.parent else str(other)
                reason = f"the name {loaded.name!r} is taken by {where}; rename one of them"
                result.errors.append(ScenarioError(path, "(file name)", reason))
                continue
            result.scenarios[loaded.name] = loaded
    return result


def runtime_scenario(name: str, data: Any) -> LoadedScenario:
    """A scenario given as data (the control API's body, ``GhlMock.add_scenario``), validated by the
    same model as a file. Raises ``ScenarioError`` with every problem, one per line."""
    if not isinstance(name, str) or not NAME.match(name):
        raise ScenarioError(RUNTIME_SOURCE, "name", "use lowercase letters, digits, '.', '_' or '-' (like a file name)")
    try:
        return LoadedScenario(name, RUNTIME_SOURCE, Scenario.model_validate(data))
    except RecursionError:
        raise ScenarioError(RUNTIME_SOURCE, "-", TOO_DEEP) from None
    except ValidationError as exc:
        raise ScenarioError.of(RUNTIME_SOURCE, all_errors(exc)) from None


def _parse(path: Path, text: str) -> Any:
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader, libyaml's when available
    except RecursionError:
        raise ScenarioError(path, "-", TOO_DEEP) from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(path, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else "-"
        raise ScenarioError(path, where, f"invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
