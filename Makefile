# ScholarDesk — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench lint screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[test]"
	touch $@ $(STAMP)

run: $(STAMP)
	$(VENV)/bin/scholardesk

test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run.py

lint: $(TEST_STAMP)
	$(PIP) install --quiet -e ".[test,dev]"
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy src

screenshots: $(STAMP)
	$(PY) tools/screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
