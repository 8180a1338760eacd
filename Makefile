# ghl-mock: two commands. `make run` serves the mock, `make test` runs every check.
# Both create .venv when needed; `make run` installs the runtime dependencies only, `make test`
# adds the test tools. `make run ARGS='--scenario rate-limited'` passes options to `ghl-mock serve`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
STAMP  := $(VENV)/.ghl-mock-installed
TESTSTAMP := $(VENV)/.ghl-mock-test-installed
HOST   ?= 127.0.0.1
PORT   ?= 8080
ARGS   ?=

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ghl-mock needs Python 3.11 or newer (found %s); set PYTHON=..." % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

# The runtime: what serving needs, nothing more.
$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) --upgrade pip
	$(PIP) -e .
	@touch $(STAMP)

# The test tools on top (pytest, mypy, ruff, Playwright's package, schemathesis, the SDKs).
$(TESTSTAMP): $(STAMP) pyproject.toml
	$(PIP) -e '.[test]'
	@touch $(TESTSTAMP)

run: $(STAMP)
	@$(BIN)/python -m compileall -q ghl_mock >/dev/null  # byte-compiled once: faster start-up
	$(BIN)/ghl-mock serve --host $(HOST) --port $(PORT) $(ARGS)

lint: $(TESTSTAMP)
	$(BIN)/ruff check ghl_mock tests examples bench
	$(BIN)/ruff format --check ghl_mock tests examples bench

typecheck: $(TESTSTAMP)
	$(BIN)/mypy

pytest: $(TESTSTAMP)
	$(BIN)/pytest

test: lint typecheck pytest

# Benchmarks (not part of `make test`): needs wrk (Debian's package; installed here when root)
# and, for the Prism column, npm; installs py-spy for the profiles. Rewrites docs/benchmarks.md.
# BEFORE=dir adds an earlier checkout as one more side; BENCH_ARGS='--rounds 5 --seconds 10'.
# Then the connection soak (bench/soak.py, about 40 s: 1,000 connections, health latency and RSS
# limits; fails the target when one is broken); SOAK_ARGS='--connections 2000 --seconds 40'.
bench: $(TESTSTAMP)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "make bench needs wrk: sudo apt-get install -y wrk"; exit 2; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python bench/run.py $(if $(BEFORE),--before $(BEFORE)) $(BENCH_ARGS)
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
