# The single entry point. `make run` and `make test` work on a fresh machine with only Python 3.11+.
SHELL := /bin/bash
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test test-fast lint fmt typecheck migrate migration bench reliability reliability-short clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Installs exactly what uv.lock pins (fails if pyproject.toml and the lock disagree).
install: $(UV)
	$(UV) sync --frozen --quiet

## Serve http://localhost:8000 in demo mode: SQLite, the built-in Google emulator, demo users.
run: install
	TUTORCAL_DEMO=true $(BIN)/tutorcal serve

## The whole suite, on every database it can reach (SQLite, PostgreSQL, MariaDB).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

## SQLite only: no database server needed.
test-fast: install
	TUTORCAL_TEST_DATABASES=sqlite $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: install
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

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
