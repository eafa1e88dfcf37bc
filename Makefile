# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: run test test-sqlite test-postgres lint bench clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# pycanon (the independent k/l/t checker of tests/anonymize) pins exact versions of
	# typer and typing_extensions that break ours; its checkers need only numpy and pandas
	$(PY) -m pip install --quiet --no-deps 'pycanon==1.3.6'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/imbplus demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

test-sqlite: $(STAMP)
	IMBPLUS_TEST_BACKEND=sqlite $(PY) -m pytest

test-postgres: $(STAMP)
	@if [ -n "$$IMBPLUS_TEST_POSTGRES_URL" ]; then \
		IMBPLUS_TEST_BACKEND=postgres $(PY) -m pytest; \
	else \
		echo "PostgreSQL pass skipped: IMBPLUS_TEST_POSTGRES_URL is not set (see docs/operations.md)"; \
	fi

test: lint test-sqlite test-postgres

bench: $(STAMP)
	$(PY) benchmarks/gate.py
	$(PY) benchmarks/request_log.py
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/telemetry_query.py
	$(PY) benchmarks/shop.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache tests/artifacts
