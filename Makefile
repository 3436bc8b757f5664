# The two commands of the quick start: `make run` and `make test`. Each makes .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint typecheck imports pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

## make run: open the charting window on the default database (in your user data folder)
run: $(RUN_STAMP)
	$(BIN)/charting $(ARGS)

## make test: lint, type checks, the import contract and the whole suite, offscreen
test: $(TEST_STAMP)
	$(BIN)/ruff check charting tests bench tools main.py
	$(BIN)/ruff format --check charting tests bench tools main.py
	$(BIN)/mypy charting
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: the benchmarks, printed as one JSON object (QUICK=1 for a short run)
bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build *.egg-info
