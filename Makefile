# The two commands a new machine needs: `make demo` (the main job) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PORT ?= 8000

.PHONY: setup frontend chromium demo test lint bench

setup: $(VENV)/.installed frontend

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# GOV.UK Frontend compiled without the crown or the GDS Transport font; axe-core for tests.
frontend: node_modules/.package-lock.json compactwatch/web/static/web/compactwatch.css

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

compactwatch/web/static/web/compactwatch.css: node_modules/.package-lock.json compactwatch/web/assets/compactwatch.scss scripts/build-frontend.mjs
	npm run build

# Debian's Chromium for the browser tests (Playwright drives it; it downloads nothing).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# `PORT=8010 make demo` serves on another port.
demo: setup
	$(BIN)/compactwatch demo --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Everything on SQLite, then the database-backed tests again on PostgreSQL.
test: lint chromium
	$(BIN)/pytest -n 2
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n 2 tests/service

# The longer benchmarks run on their own (README, "Speed"): `python -m
# benchmarks.cases_bench` (the officer's list of disagreements and `compactwatch remind`).
bench: setup
	$(BIN)/python -m benchmarks.check_bench
	$(BIN)/python -m benchmarks.annual_report
