# Quick start: `make run` (demo server) and `make test` (whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint fuzz bench e2e clean system-libs chromium

# The libraries WeasyPrint loads (PDF): installed with apt as root, otherwise the command to run.
system-libs:
	@sh tools/system-libs

# Debian's Chromium for the browser tests, installed with apt as root.
chromium:
	@sh tools/chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

run: system-libs $(VENV)/.installed
	$(BIN)/portal migrate
	$(BIN)/portal demo
	$(BIN)/portal serve

test: system-libs $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/pytest

# bandit: each finding is fixed or explained by a `# nosec Bxxx` comment beside it.
# mypy: no error beyond mypy-baseline.txt, which only shrinks (tools/mypy_baseline.py).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python tools/mypy_baseline.py
	$(BIN)/bandit -q -r portal supplier surveys execution

# The journeys in Chromium against `portal serve` of the demo, axe-core on every page passed and
# on a crawl for each demo person (about 5 minutes). Screenshots land in var/e2e/. A test stuck
# for 5 minutes prints where it waits.
e2e: system-libs chromium $(VENV)/.installed-dev
	$(BIN)/pytest tests/e2e -o faulthandler_timeout=300

# Schemathesis on the whole API as `make test` runs it, with many more examples per operation
# and role (EXAMPLES=200 by default); prints the cases and operations checked. On PostgreSQL:
# PORTAL_TEST_DATABASE_URL=postgresql+psycopg://… make fuzz
EXAMPLES ?= 200
fuzz: system-libs $(VENV)/.installed-dev
	PORTAL_FUZZ_EXAMPLES=$(EXAMPLES) $(BIN)/pytest tests/test_api_fuzz.py

# The figures beside their floors, in one table (about 15 minutes; installs wrk when root).
# Options after ARGS, e.g. make bench ARGS="--smoke" or ARGS="--db postgresql+psycopg://…".
bench: system-libs $(VENV)/.installed-dev
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
