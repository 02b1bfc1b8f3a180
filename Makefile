# The README's two commands: `make demo` and `make test`.
# `make demo` installs cobuild with its runtime dependencies only; `make test`
# (and `make venv`, which engineers use) adds the dev extra (pytest,
# playwright, schemathesis, the notebook runner). Each creates the virtual
# environment .venv when needed and re-installs when pyproject.toml changes
# (stamp files .venv/.installed for runtime, .venv/.installed-dev for dev).

PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# setuptools prints an informational "Editable installation" box on every
# editable install (about folders named like a package in the current
# directory); pip shows it as a UserWarning. It says nothing a planner can act on.
PIP    := PYTHONWARNINGS=ignore::UserWarning $(VENV)/bin/python -m pip

.PHONY: demo test bench neo4j-start neo4j-stop neo4j-status venv

venv: $(DEV_STAMP)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "需要 Python 3.11 或更新 / cobuild needs Python 3.11+ (found: $$($(PYTHON) -V 2>&1)); try: make PYTHON=python3.12 ..." >&2; exit 1; }
	@echo "创建虚拟环境 creating $(VENV) ..." >&2
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# runtime dependencies only (what `cobuild demo` and a planner need)
$(STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "安装 cobuild 及其运行依赖 installing cobuild and its runtime dependencies into $(VENV) ..." >&2
	$(PIP) install -q -e .
	@touch $(STAMP)

# runtime + the dev extra (the tests)
$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "安装 cobuild 及测试工具 installing cobuild with the test tools (dev extra) into $(VENV) ..." >&2
	$(PIP) install -q -e '.[dev]'
	@touch $(STAMP) $(DEV_STAMP)

# The main job: build the demo county, analyze it, write the reports.
demo: $(STAMP)
	$(VENV)/bin/cobuild demo

# All tests, against a real Neo4j (a private one unless NEO4J_URI is set).
# pytest exits 5 when it collects no tests: any non-zero exit fails make.
test: $(DEV_STAMP)
	$(VENV)/bin/python -m pytest

# Speed side by side with the alternatives (issue 16): one table of figures and
# ratios; a few minutes per scale. BENCH_ARGS="--scales 1,10" for less.
bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_compare.py $(BENCH_ARGS)

neo4j-start: $(STAMP)
	$(VENV)/bin/cobuild neo4j start

neo4j-stop: $(STAMP)
	$(VENV)/bin/cobuild neo4j stop

neo4j-status: $(STAMP)
	$(VENV)/bin/cobuild neo4j status
