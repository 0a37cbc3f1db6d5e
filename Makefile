# hamilton_nb build scaffolding. Needs only python3 (>= 3.10) and, for `dot`, apt-get.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON3  ?= python3
VENV     := .venv
PY       := $(VENV)/bin/python
UV       := $(VENV)/bin/uv
STAMP    := $(VENV)/.install.stamp
NOTEBOOKS ?= $(sort $(wildcard notebooks/*.ipynb))
BUILD    := build

# uv's cache usually lives on another filesystem than the repo: copy, don't warn.
export UV_LINK_MODE ?= copy

PYTEST_ARGS ?=
ifeq ($(CI),true)
PYTEST_ARGS += --durations=15
endif

.PHONY: help venv sysdeps demo test bench clean

help:
	@echo "make venv     create .venv and install .[test,notebook] (editable)"
	@echo "make sysdeps  make sure Graphviz's 'dot' and Chromium (browser tests) are available"
	@echo "make demo     execute $(NOTEBOOKS) headless, write HTML to $(BUILD)/"
	@echo "make test     run the test suite"
	@echo "make bench    install .[bench] and run the engine, magic and visualization benchmarks"
	@echo "make clean    remove .venv, build/ and caches"

$(PY):
	$(PYTHON3) -m venv $(VENV)

$(UV): | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv

# Re-install only when pyproject.toml changes (or the venv is new).
$(STAMP): pyproject.toml | $(UV)
	$(UV) pip install --python $(PY) -e ".[test,notebook]"
	$(PY) -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $@

venv: $(STAMP)

sysdeps:
	@if command -v dot > /dev/null 2>&1; then \
	  echo "sysdeps: dot found at $$(command -v dot)"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "sysdeps: installing graphviz with apt-get"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq graphviz > /dev/null; \
	else \
	  echo "sysdeps: Graphviz 'dot' is not on PATH; install it with:"; \
	  echo "    sudo apt-get update && sudo apt-get install -y graphviz"; \
	fi
	@if [ -x /usr/bin/chromium ]; then \
	  echo "sysdeps: chromium found at /usr/bin/chromium"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "sysdeps: installing chromium with apt-get (for the browser tests)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium > /dev/null; \
	else \
	  echo "sysdeps: /usr/bin/chromium is missing (the browser tests need it); install it with:"; \
	  echo "    sudo apt-get update && sudo apt-get install -y chromium"; \
	fi

demo: venv sysdeps
	$(PY) scripts/run_notebooks.py --output-dir $(BUILD) $(NOTEBOOKS)

test: venv sysdeps
	$(PY) -m pytest -q $(PYTEST_ARGS) tests/

bench: venv
	$(UV) pip install --python $(PY) -e ".[bench]"
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_magic.py
	$(PY) benchmarks/bench_viz.py

clean:
	rm -rf $(VENV) $(BUILD) dist .pytest_cache .hypothesis .ruff_cache .mypy_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	find . -name '*.egg-info' -type d -prune -not -path './.git/*' -exec rm -rf {} +
