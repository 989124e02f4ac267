# conflict-ledger: `make run` builds the warehouse from raw/; `make test` runs every test. Both install first.
SHELL := /bin/bash
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export LEDGER_RAW_DIR ?= $(CURDIR)/raw
export LEDGER_WAREHOUSE ?= $(CURDIR)/warehouse/ledger.duckdb
# The interpreter that bootstraps uv: any CPython 3.11-3.12, Debian's own included (PEP 668: nothing is ever
# installed into it; uv lives in the private venv .tools/, pinned).
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := $(CURDIR)/.tools
UV := $(TOOLS)/bin/uv
# uv never downloads a Python build: it uses the interpreters on the machine; it trusts the system's
# certificate store (as pip does), so a machine with its own CA reaches the registry.
export UV_PYTHON_DOWNLOADS := never
export UV_SYSTEM_CERTS := 1
RUN := $(UV) run --frozen

.PHONY: setup run fetch ui sql test eval eval-heldout eval-dev2 eval-dev3 eval-dev4 eval-blind eval-realtext bench lint check-defs contract bench-cleaning clean

$(UV):  ## uv, pinned, in a private venv (never pip into the system interpreter)
	@bash scripts/bootstrap_uv.sh "$(PYTHON)" "$(TOOLS)" "$(UV_VERSION)"

# --compile-bytecode: the packages' .pyc files are written once here, so no process (the run, each worker,
# each test's `dg launch`) compiles ~2,000 modules at import where Python may not write them itself
# (PYTHONDONTWRITEBYTECODE, a read-only venv): 2-3 s per process.
setup: $(UV)  ## the locked environment (.venv/, from uv.lock) and the Dagster instance folder
	$(UV) sync --frozen --compile-bytecode --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@mkdir -p "$(DAGSTER_HOME)" "$(dir $(LEDGER_WAREHOUSE))"
	@cp dagster.yaml "$(DAGSTER_HOME)/dagster.yaml"

run: setup  ## the main job on raw/: raw pages -> checked warehouse, then a summary
	$(RUN) dg launch --job ledger_job --config-json '{"loggers": {"console": {"config": {"log_level": "INFO"}}}}'
	$(RUN) python -m pipelines.summary

fetch: setup  ## fetch the URLs and feeds of sources.yaml (or LEDGER_SOURCES) into raw/fetched/ (goes online)
	$(RUN) dg launch --job fetch_job --config-json '{"loggers": {"console": {"config": {"log_level": "INFO"}}}}'

ui: setup  ## Dagster UI and daemon (schedules, sensors) on http://127.0.0.1:3000
	$(RUN) dg dev --host 127.0.0.1 --port 3000

test: setup  ## every test, and `dg check defs`
	$(RUN) dg check defs
	$(RUN) pytest -q

eval: setup  ## score the warehouse against gold/seeds.yaml
	$(RUN) python -m pipelines.evaluation --problems

# eval-heldout, eval-dev2, eval-dev3, eval-dev4: development sets; eval-blind: the blind test set (measure only, never tune on it).
eval-heldout eval-dev2 eval-dev3 eval-dev4 eval-blind: eval-%: setup  ## build gold/<set>/ into warehouse/<set>.duckdb, score against gold/<set>.yaml
	LEDGER_RAW_DIR=$(CURDIR)/gold/$* LEDGER_WAREHOUSE=$(CURDIR)/warehouse/$*.duckdb \
	  $(RUN) dg launch --job ledger_job --config-json '{"loggers": {"console": {"config": {"log_level": "WARNING"}}}}'
	$(RUN) python -m pipelines.evaluation --gold gold/$*.yaml --warehouse warehouse/$*.duckdb --problems

REALTEXT_SETS := meantime re3d_dev
eval-realtext: setup  ## build ../shared/realtext/<set>/raw into warehouse/realtext-<set>/ledger.duckdb, print the scorer's figures
	for set in $(REALTEXT_SETS); do \
	  mkdir -p "$(CURDIR)/warehouse/realtext-$$set" && \
	  LEDGER_RAW_DIR=$(CURDIR)/../shared/realtext/$$set/raw LEDGER_WAREHOUSE=$(CURDIR)/warehouse/realtext-$$set/ledger.duckdb \
	    $(RUN) dg launch --job ledger_job --config-json '{"loggers": {"console": {"config": {"log_level": "WARNING"}}}}' \
	  || exit 1; \
	done
	$(RUN) python -m pipelines.evaluation.realtext

sql: setup  ## the DuckDB CLI (registry package duckdb-cli, the library's version) on the warehouse, read-only
	$(RUN) duckdb -readonly "$(LEDGER_WAREHOUSE)"

contract: setup  ## the outside scorers' table contract
	$(RUN) python ../shared/contract/check_warehouse.py "$(LEDGER_WAREHOUSE)"

bench-cleaning: setup  ## cleaner vs trafilatura alone on the article-extraction benchmark
	$(RUN) python benchmarks/cleaning/bench_cleaning.py

# make bench BENCH_PAGES=1000 for a quicker (smaller) scale run; BENCH_PAGES=10000,50000 adds a second size.
BENCH_PAGES ?= 10000
BENCH_PROCESSES ?= 1,2
bench: setup  ## each stage and the job on the benchmark's 121 pages; then the job on BENCH_PAGES generated pages
	$(RUN) python benchmarks/pipeline/bench_stages.py
	$(RUN) python benchmarks/pipeline/bench_scale.py --pages $(BENCH_PAGES) --processes $(BENCH_PROCESSES)

lint: setup
	$(RUN) ruff check pipelines tests
	$(RUN) ruff format --check pipelines tests

clean:
	rm -rf .dagster_home warehouse/*.duckdb warehouse/*.wal warehouse/reports
