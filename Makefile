# The two set-up commands of the README:  `make serve`  and  `make test`.
# Both work on a fresh Debian/Ubuntu machine with Python >= 3.11.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install install-test system-test-deps build serve test bench clean

$(BIN)/dsr: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# Front-end bundles (SPARQL editor, graph layout) built from npm packages into
# web/static/vendor/ (not committed). Without npm the site still works: the query
# page keeps a plain textarea and the graph view a circular layout.
VENDOR := web/static/vendor/editor.js
$(VENDOR): package.json package-lock.json $(wildcard frontend/*)
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && node frontend/build.mjs; \
	else echo "npm not found: skipping web/static/vendor (plain-textarea editor)"; fi

install: $(BIN)/dsr $(VENDOR)

install-test: install
	$(BIN)/pip install --quiet -e '.[test]'

# Debian packages the tests drive for real: chromium (Playwright), raptor2-utils (rapper).
system-test-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v rapper >/dev/null 2>&1 || missing="$$missing raptor2-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

build: install
	$(BIN)/dsr build

serve: install
	$(BIN)/dsr serve --host $(HOST) --port $(PORT)

test: install-test system-test-deps
	$(BIN)/pytest -q

# Benchmarks (not tests): print tables and write bench/results/. Needs Debian's wrk.
bench: install-test
	@command -v wrk >/dev/null 2>&1 || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/sparql_bench.py
	$(BIN)/python bench/linked_data_bench.py

clean:
	rm -rf dist $(VENV) *.egg-info node_modules web/static/vendor
