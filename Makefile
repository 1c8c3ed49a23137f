# Two entry points (see README): `make demo` runs the main job on the embedded default,
# `make check` runs every check. Both set the machine up first; nothing else is needed.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY ?= python3

.PHONY: setup demo check fmt bench

$(UV):
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

setup: $(UV)
	$(UV) sync --frozen --quiet

# The demo keeps its warehouse in ./.demo unless IRONMILES_HOME says otherwise.
demo: setup
	IRONMILES_HOME=$${IRONMILES_HOME:-$(CURDIR)/.demo} $(UV) run --frozen ironmiles demo

check: setup
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen ruff check .
	$(UV) run --frozen mypy
	$(UV) run --frozen pytest -q -p no:cacheprovider

fmt: setup
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

# The benchmarks print their figures and the comparisons they make (not part of CI).
bench: setup
	$(UV) run --frozen python benchmarks/import_files.py
	$(UV) run --frozen python benchmarks/sync_calls.py
	$(UV) run --frozen python benchmarks/weekly_load.py
	$(UV) run --frozen python benchmarks/nightly.py
