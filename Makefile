# Audarma: `make run` serves the whole product on embedded defaults, `make test` runs the tests.
# Both create .venv and install the project into it when missing.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.audarma-installed
ARGOS_VERSION := 1.11.0

.PHONY: install run test lint migration bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# argostranslate (tests and benches only; the engine never imports it) without its own deps
	# (stanza, spaCy, torch): see docs/dependencies.md
	$(PY) -m pip install --quiet --no-deps argostranslate==$(ARGOS_VERSION)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/audarma run

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

# ruff everywhere; mypy on the pure layers, workflow/ and translations/ (config in pyproject.toml)
lint: install
	$(VENV)/bin/ruff check workflow translations tasks web tests bench
	$(VENV)/bin/mypy

# make migration MSG="add publication table"  (autogenerates against a fresh SQLite database)
migration: install
	$(PY) -m workflow.migrations.autogenerate "$(MSG)"

clean:
	rm -rf $(VENV) instance .pytest_cache
