# The two commands of the README. Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check bench clean

$(BIN)/mediation: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/mediation

demo: $(BIN)/mediation
	$(BIN)/mediation demo

test: $(BIN)/mediation
	bash scripts/test

check: $(BIN)/mediation
	bash scripts/check

bench: $(BIN)/mediation
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/clocks.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache mediation-demo.db
