# Set-up and checks. `make pdf` and `make test` install everything they need on a fresh
# Debian machine with Python 3.11 (system packages through apt-get when run as root).
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
APT_PACKAGES := poppler-utils libreoffice-writer-nogui libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium chromium-driver
# The HTML validators the tests run (html-validate, axe-core) and the YAML language server
# editors run (for the schema tests), from npm, locked; node is the machine's.
NODE_TOOLS := tests/js/node_modules/.package-lock.json

.PHONY: pdf docx html all test lint typecheck check bench system-deps clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,validate]'
	touch $@

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(NODE_TOOLS): tests/js/package.json tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

pdf: system-deps $(VENV)/.installed
	$(BIN)/briefing build --format pdf

docx: system-deps $(VENV)/.installed
	$(BIN)/briefing build --format docx

html: $(VENV)/.installed
	$(BIN)/briefing build --format html

all: system-deps $(VENV)/.installed
	$(BIN)/briefing build --format all

check: $(VENV)/.installed
	$(BIN)/briefing check --strict

lint: $(VENV)/.installed
	$(BIN)/ruff check briefing tests
	$(BIN)/ruff format --check briefing tests

typecheck: $(VENV)/.installed
	$(BIN)/mypy

test: system-deps $(VENV)/.installed $(NODE_TOOLS) lint typecheck
	$(BIN)/pytest -q

# Benchmarks (not part of the tests): results in benchmarks/results.json and docs/benchmarks.md.
bench: system-deps $(VENV)/.installed
	$(BIN)/pip install -q -e '.[bench]'
	$(PY) benchmarks/run.py

clean:
	rm -rf build
