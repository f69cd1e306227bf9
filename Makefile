# Two entry points: `make report` and `make test`. Each one creates the local
# virtual environment (.venv) and installs micropop into it when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: report test lint ruff mypy readme-figures docs lab

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(VENV)/.lint-installed: $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $@

# Style and bugs (ruff), then types (mypy; strict on design/, estimation/, variance/).
lint: ruff mypy

ruff: $(VENV)/.lint-installed
	$(BIN)/ruff check src tests benchmarks data/scripts

mypy: $(VENV)/.lint-installed
	$(BIN)/mypy

report: $(STAMP)
	$(BIN)/micropop report --out report
	@echo "report written to report/index.html"

# pytest exits 5 when it collects no test: report it, do not fail on it.
# The tests run in parallel (pytest-xdist), one process per core, at most 4
# (PYTEST_WORKERS=0 runs them in this process, e.g. to use a debugger).
PYTEST_WORKERS ?= auto --maxprocesses 4
test: $(STAMP)
	@$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; \
	exit $$status

# The two figures the README shows, copied from a fresh demo report.
readme-figures: $(STAMP)
	$(BIN)/micropop report --out $(VENV)/readme-report
	mkdir -p docs/figures
	cp $(VENV)/readme-report/size_forest.png $(VENV)/readme-report/profile_france.png docs/figures/

# The documentation site in docs/_build/html: Sphinx, warnings as errors, no network.
# myst-nb executes the notebooks and caches them in docs/_build/.jupyter_cache.
$(VENV)/.docs-installed: $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

docs: $(VENV)/.docs-installed
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html
	@echo "documentation written to docs/_build/html/index.html"

# JupyterLab on the notebooks (for people, not CI).
$(VENV)/.lab-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet 'jupyterlab>=4,<5'
	touch $@

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab notebooks
