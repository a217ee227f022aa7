# The two commands of the README, plus the tools they are built from.
# Everything runs from a project-local virtualenv, created on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= demo-output

.PHONY: demo test lint typecheck bench bench-web fuzz clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newscms needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Each stamp is rebuilt when pyproject.toml changes, so dependencies never go stale.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# The demo ends by saying how to browse it with `newscms serve`, which needs the web extra.
$(VENV)/.installed-web: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[web]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-web

demo: $(VENV)/.installed-web
	$(BIN)/newscms demo --output $(DEMO_DIR)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks alembic
	$(BIN)/ruff format --check src tests benchmarks alembic

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy src

test: lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Hostile values at every public function and CLI command on the three backends:
# FUZZ_EXAMPLES cases per surface and backend (make test runs a small fixed-seed budget).
FUZZ_EXAMPLES ?= 10000
fuzz: $(VENV)/.installed-dev
	NEWSCMS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/fuzz -n 2 -p no:cacheprovider $(FUZZ_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# The read router under uvicorn and wrk (apt-get install wrk) against hand-written FastAPI + Core.
bench-web: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.web $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .pytest_cache .ruff_cache .hypothesis build dist
