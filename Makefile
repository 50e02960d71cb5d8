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

.PHONY: setup demo test bench lint clean distclean help

help:
	@echo "make demo    local chain + a demo co-op (Ctrl-C stops it)"
	@echo "make test    install everything needed and run the whole test suite"
	@echo "make bench   benchmarks: gas vs OpenZeppelin, claims, indexer, API load (BENCHMARKS.md)"
	@echo "make setup   install only (.venv, .tools/ for Schemathesis and Slither, npm packages, solc shim, anvil)"
	@echo "make lint    ruff over the Python code, Slither over the contracts"
	@echo "make clean   remove build artefacts (keeps installs)"

setup: $(STAMPS)/python $(STAMPS)/node $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) $(BIN)/anvil $(STAMPS)/tools

$(STAMPS)/python: pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -U pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

# Test tools whose pins clash with Brownie's (Schemathesis needs a newer hypothesis): a venv of
# their own, run as commands by the tests (tests/indexer/test_schemathesis.py).
TOOLS_VENV := .tools/schemathesis
$(STAMPS)/tools: tools/requirements-tools.txt
	@mkdir -p $(STAMPS)
	@test -x $(TOOLS_VENV)/bin/python || $(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install -q --disable-pip-version-check -r tools/requirements-tools.txt
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
	@for port in $(DEMO_PORT) 8000; do if (exec 3<>/dev/tcp/127.0.0.1/$$port) 2>/dev/null; then \
		echo "port $$port is in use (another demo or test run?): stop it first"; exit 1; fi; done
	@set -e; \
	anvil --port $(DEMO_PORT) --block-base-fee-per-gas 0 --gas-limit 30000000 --silent & ANVIL=$$!; \
	stop() { kill $$ANVIL 2>/dev/null || true; wait $$ANVIL 2>/dev/null || true; }; \
	trap stop EXIT; trap 'stop; echo; echo "demo stopped"; exit 0' INT TERM; \
	for i in $$(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$(DEMO_PORT)) 2>/dev/null && break; sleep 0.1; done; \
	$(BIN)/brownie run scripts/demo.py --network development; \
	rm -f demo.db demo.db-wal demo.db-shm; \
	export DATABASE_URL=sqlite:///$(CURDIR)/demo.db RPC_URL=http://127.0.0.1:$(DEMO_PORT) \
		DEPLOYMENT_FILE=$(CURDIR)/deployments/development.json POLL_INTERVAL=1 \
		RELAYER_PRIVATE_KEY=0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356; \
	$(BIN)/coop index --quiet; \
	$(BIN)/coop index --follow --quiet & INDEXER=$$!; \
	$(BIN)/uvicorn --factory api.main:create_app --host 127.0.0.1 --port 8000 --log-level warning & API=$$!; \
	stop() { kill $$API $$INDEXER $$ANVIL 2>/dev/null || true; wait 2>/dev/null || true; }; \
	echo; echo "Local chain: http://127.0.0.1:$(DEMO_PORT) (chain id 31337)"; \
	echo "Web page: http://127.0.0.1:8000   API docs: http://127.0.0.1:8000/docs"; \
	echo "(the index follows the chain; Ctrl-C stops everything)"; \
	wait $$ANVIL

test: setup
	$(BIN)/brownie test $(ARGS)

# Benchmarks (not part of `make test`): results in bench/results.json, tables in BENCHMARKS.md.
# `make bench BENCH_SMALL=1` runs the same code with tiny sizes (the test suite's smoke run).
BENCH_SCRIPTS := $(wildcard scripts/bench_gas.py scripts/bench_indexer.py scripts/bench_api.py)
bench: setup
	@set -e; for script in $(BENCH_SCRIPTS); do \
		echo "== $$script"; BENCH_SMALL=$(BENCH_SMALL) $(BIN)/brownie run $$script; done

lint: setup $(STAMPS)/slither-report
	$(BIN)/ruff check dao api scripts tests
	$(BIN)/ruff format --check dao api scripts tests

# Slither, in its own venv (tools/lint-requirements.txt says why), fed by the project's compiler
# set-up: the solc shim and brownie-config.yaml's remappings; the rest is in slither.config.json.
# It fails on any medium or high finding; the others are triaged in docs/security.md. The report
# stamp makes a second run with unchanged contracts instant.
SLITHER_VENV := .tools/slither
SOLC_REMAPS := $(shell sed -n 's/^ *- *"\(@[^"]*=[^"]*\)".*/\1/p' brownie-config.yaml)
CONTRACT_SOURCES := $(shell find contracts -name '*.sol')

$(STAMPS)/slither: tools/lint-requirements.txt
	@mkdir -p $(STAMPS)
	@test -x $(SLITHER_VENV)/bin/python || $(PYTHON) -m venv $(SLITHER_VENV)
	$(SLITHER_VENV)/bin/python -m pip install -q --disable-pip-version-check -r tools/lint-requirements.txt
	@touch $@

$(STAMPS)/slither-report: $(STAMPS)/slither $(CONTRACT_SOURCES) slither.config.json brownie-config.yaml \
		$(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION)
	$(SLITHER_VENV)/bin/slither contracts --config-file slither.config.json --fail-medium \
		--solc $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) --solc-remaps "$(SOLC_REMAPS)"
	@touch $@

clean:
	rm -rf build reports .hypothesis .pytest_cache

distclean: clean
	rm -rf $(VENV) .tools node_modules .solcx $(STAMPS)
