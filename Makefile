# The one entry point that README and CI both call.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed-dev
DEMO_OUT ?= demo-output/injection-molding

.PHONY: install install-dev system-deps demo test lint typecheck pytest bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(PY)
	$(PIP) install --quiet -e .

$(STAMP): pyproject.toml requirements-datasets.txt Makefile | $(PY)
	# torch==2.13.0 resolves to the CPU wheel this machine keeps in /opt/wheels (pip's find-links)
	$(PIP) install --quiet -e '.[dev,vision,spark]'
	$(PIP) install --quiet --no-deps -r requirements-datasets.txt
	touch $(STAMP)

install-dev: $(STAMP)

# Debian chromium (+ a Korean font) for the browser tests, Java 17 for the Spark engine (issue 19); Playwright never downloads a browser.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum; \
	  else echo "chromium is not installed: browser tests are skipped outside CI"; fi; }
	@command -v java >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	  else echo "java is not installed: Spark tests are skipped outside CI"; fi; }

demo: install
	rm -rf $(DEMO_OUT)
	$(VENV)/bin/mfgdata demo-server --out $(DEMO_OUT)

lint: install-dev
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: install-dev
	$(VENV)/bin/mypy

pytest: install-dev system-deps
	$(VENV)/bin/pytest -q -n 2

test: lint typecheck pytest

bench: install-dev
	$(PY) benchmarks/bench_build.py

clean:
	rm -rf $(VENV) demo-output test-output .pytest_cache .mypy_cache .ruff_cache
