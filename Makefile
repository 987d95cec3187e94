# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
FLASK  := $(PY) -m flask --app audit
# `make test` runs the suite on every CPU (pytest-xdist), then the browser tests on their own
# (a live server and Chromium do not share a small machine well); TEST_WORKERS=0 is serial.
TEST_WORKERS ?= auto

.PHONY: run test install browser assets lint worker translations clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) translations browser assets

# The browser tests (tests/browser) drive the system Chromium; Playwright never downloads one.
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) || echo "chromium not installed: browser tests will skip"

# Front-end packages come from the npm registry (package-lock.json pins them): Chart.js is copied
# into the app's own static files (never a CDN); axe-core stays in node_modules for the tests.
NODE_STAMP := node_modules/.installed-stamp
VENDOR     := audit/static/vendor

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

assets: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md $(VENDOR)/

# Compiled catalogs are build products (.mo files are not committed).
translations: $(STAMP)
	@if ls audit/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(FLASK) translate compile >/dev/null; fi

run: install
	$(FLASK) setup --demo
	@echo "WPS Audit is at http://127.0.0.1:5000 (Ctrl+C stops it)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(PY) -m ruff check .
	@status=0; \
	$(PY) -m pytest -n $(TEST_WORKERS) --ignore=tests/browser || status=1; \
	$(PY) -m pytest -n 0 tests/browser || status=1; \
	exit $$status

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check audit forms workers config.py tests bench

worker: install
	$(PY) -m celery -A workers.app worker --loglevel=INFO

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache node_modules $(VENDOR)
