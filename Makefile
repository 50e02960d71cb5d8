# Two commands matter to a newcomer (see README): `make demo` and `make test`.
# Everything they need is installed here, into the repository (.venv, node_modules, .solcx),
# idempotently: a second run only checks stamps and takes seconds.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
SOLC_VERSION := $(shell sed -n 's/.*"solc": *"\([0-9.]*\)".*/\1/p' package.json)
STAMPS := .stamps

# py-solc-x looks for solc-v<version> in this folder; tools/solc-shim.js answers there.
export SOLCX_BINARY_PATH := $(CURDIR)/.solcx
export PATH := $(BIN):$(PATH)

.PHONY: setup demo test lint clean distclean help

help:
	@echo "make demo    local chain + a demo co-op (Ctrl-C stops it)"
	@echo "make test    install everything needed and run the whole test suite"
	@echo "make setup   install only (.venv, npm packages, solc shim, anvil)"
	@echo "make lint    ruff over the Python code"
	@echo "make clean   remove build artefacts (keeps installs)"

setup: $(STAMPS)/python $(STAMPS)/node $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) $(BIN)/anvil

$(STAMPS)/python: pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -U pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# A two-line launcher so the shim runs with this checkout's node_modules wherever it is.
$(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION): tools/solc-shim.js $(STAMPS)/node
	@mkdir -p $(SOLCX_BINARY_PATH)
	@printf '#!/bin/sh\nexec node "%s/tools/solc-shim.js" "$$@"\n' "$(CURDIR)" > $@
	@chmod +x $@
	@$@ --version | tail -1

# The real anvil binary (not npm's node wrapper, whose child would outlive a kill by Brownie).
$(BIN)/anvil: $(STAMPS)/node $(STAMPS)/python
	@ln -sf "$$(ls -d $(CURDIR)/node_modules/@foundry-rs/anvil-*/bin/anvil | head -1)" $@
	@$@ --version | head -1

# Brownie's `development` network attaches to a chain already listening on 8545.
DEMO_PORT := 8545

# A local chain that lives until Ctrl-C, with a demo co-op deployed and seeded on it.
demo: setup
	@if (exec 3<>/dev/tcp/127.0.0.1/$(DEMO_PORT)) 2>/dev/null; then \
		echo "port $(DEMO_PORT) is in use (another chain or test run?): stop it first"; exit 1; fi
	@set -e; \
	anvil --port $(DEMO_PORT) --block-base-fee-per-gas 0 --gas-limit 30000000 --silent & ANVIL=$$!; \
	stop() { kill $$ANVIL 2>/dev/null || true; wait $$ANVIL 2>/dev/null || true; }; \
	trap stop EXIT; trap 'stop; echo; echo "demo stopped"; exit 0' INT TERM; \
	for i in $$(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$(DEMO_PORT)) 2>/dev/null && break; sleep 0.1; done; \
	$(BIN)/brownie run scripts/demo.py --network development; \
	echo; echo "Local chain: http://127.0.0.1:$(DEMO_PORT) (chain id 31337). Ctrl-C to stop."; \
	wait $$ANVIL

test: setup
	$(BIN)/brownie test $(ARGS)

lint: setup
	$(BIN)/ruff check dao api scripts tests
	$(BIN)/ruff format --check dao api scripts tests

clean:
	rm -rf build reports .hypothesis .pytest_cache

distclean: clean
	rm -rf $(VENV) node_modules .solcx $(STAMPS)
