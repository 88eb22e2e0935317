# The two commands a newcomer needs: `make up` (the whole platform) and `make test` (everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GRIDTOKENX := $(BIN)/gridtokenx
STAMP := $(VENV)/.installed

.PHONY: up down status test lint typecheck pytest venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) native

up: venv
	$(GRIDTOKENX) stack up

down: venv
	$(GRIDTOKENX) stack down

status: venv
	$(GRIDTOKENX) stack status

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

pytest: venv
	$(BIN)/pytest

test: venv programs
	$(GRIDTOKENX) stack up
	$(MAKE) lint typecheck pytest

include programs/programs.mk
include native/native.mk
