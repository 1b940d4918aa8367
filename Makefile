# Two commands do everything on a fresh machine with Python 3.10+ and make:
#   make report   set up .venv, build data/processed/, execute the notebooks, write figures/ and build/html/
#                 (make report FORCE=1 executes even the notebooks that have not changed)
#   make test     set up .venv the same way and run ruff, mypy and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PYTHONHASHSEED := 0
export MIYUN_TEXT_CACHE ?= $(CURDIR)/.cache

.PHONY: setup data figures notebooks html report test lint docs evaluate benchmark benchmark-scale lab clean-build

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt "pip" "setuptools" "wheel"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

data: $(STAMP)
	$(BIN)/miyun-text clean

# FORCE=1 executes every notebook; otherwise an unchanged notebook's last run is reused
notebooks: data
	$(BIN)/miyun-text render $(if $(FORCE),--force)

report: notebooks
	@echo "Open build/html/index.html. For the command line: source .venv/bin/activate (then miyun-text --help), or run .venv/bin/miyun-text"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# the documentation site, with the API reference from the docstrings, into build/docs/
docs: $(STAMP)
	$(BIN)/python docs/generate.py
	$(BIN)/mkdocs build --strict -f docs/mkdocs.yml
	@echo "Open build/docs/index.html"

evaluate: $(STAMP)
	$(BIN)/python -m miyun_text.evaluate --write-docs

# each prints its table beside a baseline from the same run and writes it to docs/generated/
benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_segment.py --write-docs
	$(BIN)/python benchmarks/bench_cli.py --write-docs
	$(BIN)/python benchmarks/bench_reuse.py --write-docs
	$(BIN)/python benchmarks/bench_memory.py --write-docs

benchmark-scale: $(STAMP)
	$(BIN)/python benchmarks/bench_scale.py --write-docs

# Jupyter refuses to start as root unless told; containers often run as root
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

clean-build:
	rm -rf build .cache
