# ghl-mock: two commands. `make run` serves the mock, `make test` runs every check.
# Both create .venv and install the project with its test dependencies when needed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ghl-mock-installed
HOST   ?= 127.0.0.1
PORT   ?= 8080

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ghl-mock needs Python 3.11 or newer (found %s); set PYTHON=..." % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m compileall -q ghl_mock >/dev/null  # byte-compiled once: faster start-up
	$(BIN)/ghl-mock serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check ghl_mock tests examples bench
	$(BIN)/ruff format --check ghl_mock tests examples bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

# Benchmarks (not part of `make test`): needs wrk (Debian's package; installed here when root)
# and, for the Prism column, npm; installs py-spy for the profiles. Rewrites docs/benchmarks.md.
# BEFORE=dir adds an earlier checkout as one more side; BENCH_ARGS='--rounds 5 --seconds 10'.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "make bench needs wrk: sudo apt-get install -y wrk"; exit 2; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python bench/run.py $(if $(BEFORE),--before $(BEFORE)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
