# One command to run the app, one to run every test. Both set up what they need.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
BUN_DIR := tools/bun
export PATH := $(CURDIR)/$(BUN_DIR)/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
HOST ?= 127.0.0.1
PORT ?= 3000
# Where people reach the app (links in mail, the sign-in cookie hand-off).
ODCP_PUBLIC_URL ?= http://localhost:$(PORT)
export ODCP_PUBLIC_URL

.PHONY: run test setup deps dev-deps bun chromium migrate seed lint bench clean

$(BIN)/python:
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is required ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt $(VENV)/.deps
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

$(BUN_DIR)/node_modules/.bin/bun: $(BUN_DIR)/package.json
	cd $(BUN_DIR) && npm install --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps
bun: $(BUN_DIR)/node_modules/.bin/bun

migrate: deps
	$(BIN)/python -m odcp migrate

seed: migrate
	$(BIN)/python -m odcp seed

## make run: set up, migrate, seed the demo clinic once, serve http://localhost:3000
run: deps bun seed
	$(BIN)/reflex run --env prod --backend-host $(HOST) --frontend-port $(PORT) --backend-port $(PORT)

chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

## make test: set up, then every test (services, API, state, browser)
test: dev-deps bun chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: dev-deps
	$(BIN)/ruff check .

bench: dev-deps
	@for m in bench/[a-z]*.py; do n=$$(basename $$m .py); [ "$$n" = common ] && continue; \
	  $(BIN)/python -m bench.$$n || exit 1; done

clean:
	rm -rf .web .states $(VENV) $(BUN_DIR)/node_modules
