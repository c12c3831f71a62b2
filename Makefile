# Media coverage analysis — every task of the project is a target here.
# `make help` lists them. `make figures` and `make test` each set up .venv first.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
NBCONVERT := $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	--ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.record_timing=False
export PYTHONHASHSEED := 0
export TQDM_DISABLE := 1

.DEFAULT_GOAL := help
.PHONY: help install figures test offline lab report bench bench-stages bench-notebooks bench-sentiment lock clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv and install the project (editable) with its dev tools, from the lock file
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet "uv>=0.5,<1"
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m compileall -q analysis
	$(PY) -m analysis.punkt_data
	touch $@

figures: install ## the main job: execute every notebook in place and write every figure to figures/
	@for nb in $(NOTEBOOKS); do echo "executing $$nb"; $(NBCONVERT) "$$nb" || exit 1; done

test: install ## unit tests and strict notebook validation (nbval)
	@if [ -f .ci/install-browser ]; then bash .ci/install-browser; fi
	$(PY) -m pytest tests $(NOTEBOOKS) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -q

offline: install ## make figures and make test with no network (Linux network namespace, loopback only)
	unshare -n sh -c 'ip link set lo up && $(MAKE) -o $(STAMP) figures test' || \
		unshare -rn sh -c 'ip link set lo up && $(MAKE) -o $(STAMP) figures test'

lab: install ## start JupyterLab on the notebooks with the project's environment
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

report: install ## one self-contained HTML report (code hidden) in report/
	$(PY) -m analysis.report

bench-sentiment: install ## accuracy of every sentiment method on GerNTSA (cross-validated)
	$(PY) -m analysis.bench.sentiment

bench-notebooks: install ## time of each notebook on the seeds vs the same notebook doing only its imports
	$(PY) -m analysis.bench.notebooks

bench: install ## speed and memory of the pipeline on 10kGNAD articles, against a naive TextBlobDE loop
	$(PY) -m analysis.bench.pipeline

bench-stages: install ## CPU per pipeline stage on 1,000 10kGNAD articles, in one process
	$(PY) -m analysis.bench.stages

lock: ## re-resolve requirements.lock from pyproject.toml (needs the package index)
	test -x $(UV) || ($(PYTHON) -m venv $(VENV) && $(PY) -m pip install --quiet "uv>=0.5,<1")
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements.lock

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
