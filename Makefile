# e-Box Enterprise — the commands a person runs. Each installs what it needs itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export AWS_DEFAULT_REGION ?= eu-west-1

.PHONY: web browser run demo-year test test-localstack deploy-local sam-build bench-localstack lint unit integration e2e template bench install clean build-ApiFunction

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<26.3"
	$(BIN)/python -m pip install --quiet -e ".[local,dev,charts]"
	rm -f $(VENV)/.installed-*
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP)

## make web: the web app (web/) built into web/dist with hashed file names (npm: Vite, Preact, TypeScript)
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.mts web/tsconfig.json
web/dist/index.html: node_modules/.installed $(WEB_SOURCES)
	npm run --silent build:web

web: web/dist/index.html

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## make run: the whole e-Box on an embedded AWS emulation, with demo data, on http://127.0.0.1:8000
run: $(STAMP) web
	$(BIN)/ebox-local

## make demo-year: a realistic platform history in the running local stack (`make run` first), for the statistics
demo-year: $(STAMP)
	$(BIN)/python -m ebox_local.demo_year

## make test: every test — lint, types, unit, integration (moto), template, end-to-end (local stack), and the
## web app in Debian's headless Chromium (tests/browser)
## The test files run side by side, one worker per core (pytest-xdist): each file on one worker with its own
## moto world, the end-to-end tests together on one (they share one ebox-local); see docs/testing.md.
## The LocalStack tier stays in one process: its tests share one emulator.
test: $(STAMP) node_modules/.installed lint web browser
	$(BIN)/pytest -q -n auto --dist loadfile

## make test-localstack: the integration and end-to-end suites again, on LocalStack + DynamoDB Local
## (installed on first use into .venv-localstack and node_modules; Docker's LocalStack where Docker runs)
test-localstack: $(STAMP) node_modules/.installed
	$(BIN)/ebox-localstack -- $(BIN)/pytest -q tests/integration tests/e2e

## make deploy-local: template.yaml provisioned on LocalStack, the API served from it, a publish-and-consult smoke test
deploy-local: $(STAMP) node_modules/.installed
	$(BIN)/ebox-localstack -- $(BIN)/ebox-local --port 0 --smoke

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

## make bench: publication throughput, AWS calls per message, inbox and action-list pages at 10,000 messages,
## cold imports; the web app's first-load size and an inbox of 10,000 opening in Chromium; the daily notification jobs; callbacks to senders; then a bulk import of BULK_MESSAGES lines through the local
## stack (the issue's 100,000 by default: `make bench BULK_MESSAGES=3000`)
BULK_MESSAGES ?= 100000
bench: $(STAMP) web browser
	$(BIN)/python -m bench
	$(BIN)/python -m bench.statistics
	$(BIN)/python -m bench.web
	$(BIN)/python -m bench.notifications
	$(BIN)/python -m bench.callbacks
	$(BIN)/python -m bench.bulk --messages $(BULK_MESSAGES)

## make sam-build: `sam build` (SAM CLI in .venv-sam, Python 3.12 as the functions' runtime); needs only PyPI
SAM_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python) $(shell command -v python3.12))
sam-build:
	@test -n "$(SAM_PYTHON)" || { echo "sam build needs Python 3.12 (the functions' runtime): set SAM_PYTHON"; exit 2; }
	test -x .venv-sam/bin/sam || { $(SAM_PYTHON) -m venv .venv-sam && .venv-sam/bin/pip install --quiet aws-sam-cli==1.170.0; }
	PATH="$(dir $(SAM_PYTHON)):$$PATH" SAM_CLI_TELEMETRY=0 .venv-sam/bin/sam build

## make bench-localstack: publication throughput and calls per message on LocalStack + DynamoDB Local; then,
## with INBOX_MESSAGES=N, the inbox pages in an e-Box of N messages on DynamoDB Local (`INBOX_MESSAGES=1000000`)
INBOX_MESSAGES ?= 0
bench-localstack: $(STAMP) node_modules/.installed
	$(BIN)/ebox-localstack -- $(BIN)/python -m bench.localstack --inbox-messages $(INBOX_MESSAGES)

# SAM's makefile build method for the API function: only the Chalice app, the layer has the rest.
build-ApiFunction:
	cp app.py "$(ARTIFACTS_DIR)/"

clean:
	rm -rf $(VENV) .venv-localstack .venv-sam .localstack node_modules .pytest_cache .mypy_cache .ruff_cache
