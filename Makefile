# Two entry points (see README): `make demo` runs the main job on the embedded default,
# `make check` runs every check. Both set the machine up first; nothing else is needed.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY ?= python3

# The project's interpreter: the newest Python 3.12+ on this machine (PATH, then pyenv's
# versions), else `python3` (3.11). 3.12+ gets the current garminconnect; 3.11 keeps 0.3.2
# (README, "Python versions"). `make check PYTHON=python3.11` picks one by hand.
ifndef PYTHON
PYTHON := $(or $(shell for p in $$(command -v python3.14 python3.13 python3.12 2>/dev/null) \
	$${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.*/bin/python3; do \
	  [ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && "$$p" -c 'import sys; print("%d.%03d.%03d" % sys.version_info[:3], sys.executable)'; \
	done | sort -r | head -n 1 | cut -d " " -f 2),$(PY))
endif
# Every uv command below (sync, run) uses it; a .venv made by another Python is rebuilt.
export UV_PYTHON := $(PYTHON)

.PHONY: setup demo check fmt bench python

$(UV):
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled once here, for the dependencies and for our own packages: these machines
# set PYTHONDONTWRITEBYTECODE, so nothing is cached otherwise and every command would compile
# SQLAlchemy, typer and rich again on each start (seconds).
setup: $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode
	$${UV_PROJECT_ENVIRONMENT:-.venv}/bin/python -m compileall -q flows connectors engine warehouse

# Which interpreter (and so which garminconnect) the commands use.
python:
	@echo "$(PYTHON)"

# The demo keeps its warehouse in ./.demo unless IRONMILES_HOME says otherwise.
demo: setup
	IRONMILES_HOME=$${IRONMILES_HOME:-$(CURDIR)/.demo} $(UV) run --frozen ironmiles demo

# The tests in two processes (pytest-xdist), a test file each at a time (a module's Prefect
# server is started once): much of the suite waits on servers and subprocesses (PostgreSQL,
# Prefect, the demo, chromium), so the second core shortens the run by about a third. Each
# process has its own PostgreSQL database and replay servers. `PYTEST_WORKERS=` runs one.
PYTEST_WORKERS ?= -n 2 --dist loadfile

check: setup
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen ruff check .
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports
	$(UV) run --frozen pytest -q -p no:cacheprovider $(PYTEST_WORKERS)

fmt: setup
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

# The benchmarks print their figures and the comparisons they make (not part of CI).
bench: setup
	$(UV) run --frozen python benchmarks/import_files.py
	$(UV) run --frozen python benchmarks/sync_calls.py
	$(UV) run --frozen python benchmarks/weekly_load.py
	$(UV) run --frozen python benchmarks/cli_latency.py
	$(UV) run --frozen python benchmarks/nightly.py
