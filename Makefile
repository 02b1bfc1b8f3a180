# The README's two commands: `make demo` and `make test`.
# Each creates the virtual environment .venv when needed, and re-installs the
# package when pyproject.toml changes (the stamp file .venv/.installed).

PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: demo test bench neo4j-start neo4j-stop neo4j-status venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "需要 Python 3.11 或更新 / cobuild needs Python 3.11+ (found: $$($(PYTHON) -V 2>&1)); try: make PYTHON=python3.12 ..." >&2; exit 1; }
	@test -x $(VENV)/bin/python || { echo "创建虚拟环境 creating $(VENV) ..." >&2; $(PYTHON) -m venv $(VENV); }
	@echo "安装依赖 installing cobuild and its dependencies into $(VENV) ..." >&2
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# The main job: build the demo county, analyze it, write the reports.
demo: $(STAMP)
	$(VENV)/bin/cobuild demo

# All tests, against a real Neo4j (a private one unless NEO4J_URI is set).
# pytest exits 5 when it collects no tests: any non-zero exit fails make.
test: $(STAMP)
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
