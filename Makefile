# ScholarDesk — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run install test test-postgres bench bench-postgres bench-scale bench-startup lint screenshots clean

# pip without --quiet: it says what it downloads and installs, with a bar for large downloads.
PIP_SHOW := --progress-bar on --no-input --disable-pip-version-check

$(PY):
	@echo "==> Creating the virtual environment in $(VENV)/ (once)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Updating pip in $(VENV)/"
	$(PIP) install $(PIP_SHOW) --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	@echo "==> Installing ScholarDesk and its dependencies into $(VENV)/ (first time: a few minutes)"
	$(PIP) install $(PIP_SHOW) -e .
	touch $@
	@echo "==> Installed. Run it any time as $(VENV)/bin/scholardesk (or 'make install' to put scholardesk on your PATH)"

$(TEST_STAMP): pyproject.toml | $(PY)
	@echo "==> Installing ScholarDesk with the test tools into $(VENV)/"
	$(PIP) install $(PIP_SHOW) -e ".[test]"
	touch $@ $(STAMP)

run: $(STAMP)
	@echo "==> Opening the ScholarDesk window ($(VENV)/bin/scholardesk)"
	$(VENV)/bin/scholardesk

# `scholardesk` on your PATH: a small launcher in ~/.local/bin that runs this checkout's
# environment (like pipx: nothing is installed into the system Python).
BIN_DIR ?= $(HOME)/.local/bin
install: $(STAMP)
	@echo "==> Linking $(BIN_DIR)/scholardesk to $(abspath $(VENV))/bin/scholardesk"
	mkdir -p $(BIN_DIR)
	ln -sf $(abspath $(VENV))/bin/scholardesk $(BIN_DIR)/scholardesk
	@case ":$$PATH:" in *":$(BIN_DIR):"*) echo "==> Done: run 'scholardesk'";; \
	  *) echo "==> Done. $(BIN_DIR) is not on your PATH yet: add 'export PATH=\"$(BIN_DIR):\$$PATH\"' to ~/.bashrc, or run $(BIN_DIR)/scholardesk";; esac

test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# The whole suite on PostgreSQL: a private socket-only server (tools/postgres_for_tests.sh
# installs the Debian package when it is absent), one fresh database per test; every test that
# opens a library runs (tests/conftest.py leaves out those that open none), SQLite-only tests are
# skipped with their reason.
PG_TESTS ?= tests
test-postgres: $(TEST_STAMP)
	SCHOLARDESK_TEST_DATABASE_URL=$$(tools/postgres_for_tests.sh start) \
	  QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PG_TESTS)

bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run.py

# Issue #18: papers import, first rows and the search mix on PostgreSQL beside SQLite at 100,000
# papers (a few minutes; the private test server of tools/postgres_for_tests.sh).
bench-postgres: $(TEST_STAMP)
	$(PY) benchmarks/bench_papers_postgres.py --n 100000 --pg $$(tools/postgres_for_tests.sh start)

# Issue #16 at full size: a generated 1,000,000-line arXiv snapshot streamed in (minutes).
bench-scale: $(TEST_STAMP)
	$(PY) benchmarks/bench_papers_scale.py --n 1000000
	$(PY) benchmarks/bench_papers_search_scale.py --n 1000000 --library .bench/search-scale-1m.sqlite

lint: $(TEST_STAMP)
	$(PIP) install --quiet -e ".[test,dev]"
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy src

screenshots: $(STAMP)
	$(PY) tools/screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
