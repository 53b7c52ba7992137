# Casebook — run `make` or `make help` for the targets. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= output
JOBS   ?= 2
SCENARIO ?= scenarios/cohort_618.yaml
# the edition run, html, student and notebooks write: en, zh (notebooks/zh/, output in zh/) or all
LANG_EDITION ?= all

.DEFAULT_GOAL := help
.PHONY: help run test test-unit format lab data notebooks bench html student batch lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; set PYTHON=python3.11")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: $(STAMP) ## execute every workbook, both editions (LANG_EDITION=en|zh for one), into output/default/ (zh in zh/)
	$(BIN)/casebook run --out $(OUT)/default --lang $(LANG_EDITION)  # --jobs: usable cores, capped by memory

test: $(STAMP) ## the whole suite: ruff, unit tests, workbook runs, strict nbval of both editions (twice: two BLAS kernels)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(JOBS) --dist loadfile tests
	$(BIN)/pytest -n $(JOBS) --dist loadfile --nbval notebooks  # recurses: notebooks/zh/ too; a notebook per worker
	OPENBLAS_CORETYPE=Prescott $(BIN)/pytest -n $(JOBS) --dist loadfile --nbval notebooks/[0-9]*.ipynb  # again on another BLAS kernel: figures must not move (the same code in both editions)

test-unit: $(STAMP) ## the fast tier: ruff and tests/unit (no kernel starts)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(JOBS) --dist loadfile tests/unit

format: $(STAMP) ## apply ruff's formatter to the whole tree
	$(BIN)/ruff format .

lab: $(STAMP) ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks

data: $(STAMP) ## regenerate the committed datasets in data/ (deliberately)
	$(BIN)/casebook generate --all --out data

notebooks: $(STAMP) ## re-execute the committed notebooks in place with their defaults (before committing)
	$(BIN)/casebook notebooks --lang $(LANG_EDITION)

bench: $(STAMP) ## benchmarks as ratios to anchors measured in the same run (output/bench/bench.json), statistical checks
	$(BIN)/python -m benchmarks.run --out $(OUT)/bench $(if $(BIG),--big)  # BIG=1: also the 5M-row export and 10M orders
	$(BIN)/pytest -m slow tests

html: $(STAMP) ## reports of the committed notebooks (full, and code-free .report.html) and index.html into output/html/ (no execution)
	$(BIN)/casebook html --out $(OUT)/html --lang $(LANG_EDITION)

student: $(STAMP) ## student versions (solutions removed, outputs cleared) into output/student/
	$(BIN)/casebook student --out $(OUT)/student --lang $(LANG_EDITION)

batch: $(STAMP) ## run an instructor scenario: make batch SCENARIO=scenarios/cohort.yaml
	$(BIN)/casebook batch $(SCENARIO) --out $(OUT)/batch --jobs $(JOBS)

lint: $(STAMP) ## ruff only (lint and format check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean: ## remove output/ and caches (keeps .venv)
	rm -rf $(OUT) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
