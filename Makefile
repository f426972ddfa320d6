# The book's two commands: `make book` (build the HTML) and `make test` (run every test).
# Both create the virtual environment on first use; only Python 3.11 and make are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
JOBS ?=
FORCE ?=

.PHONY: install book refresh refresh-litellm html test bench lab clean

$(STAMP): requirements.txt pyproject.toml tools/jupyterlab/overrides.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	# JupyterLab in this venv opens the .py chapters as notebooks (jupytext), not as text.
	install -D -m 644 tools/jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

install: $(STAMP)

## refresh: re-run the chapters whose source, lib or data changed (all or nothing; FORCE=1 runs all) and report moved figures.
## With PRICES=<file or URL> (FEED=litellm|openrouter, AS_OF=YYYY-MM-DD) a price feed is imported
## first and the book runs on it; PRICES=guide goes back to the guide's prices.
PRICES ?=
FEED ?= litellm
AS_OF ?=
SOURCE ?=
# The variables reach the recipes as environment variables and are quoted there ("$$AS_OF"):
# never pasted into the command line, where `AS_OF='2026-11-30; touch x'` would run touch.
export PRICES FEED AS_OF SOURCE JOBS FORCE
refresh: $(STAMP)
	$(BIN)/python -m lib.book.refresh $${JOBS:+--jobs "$$JOBS"} $${FORCE:+--force} \
		$${PRICES:+--prices "$$PRICES" --feed "$$FEED"} $${AS_OF:+--as-of "$$AS_OF"} $${SOURCE:+--source "$$SOURCE"}

## refresh-litellm: refresh the whole book on the newest LiteLLM price database from PyPI, dated today
refresh-litellm: $(STAMP)
	@set -e; out=$$($(BIN)/python -m lib.prices.litellm_wheel); file=$${out%%	*}; version=$${out##*	}; \
	PRICES="$$file" FEED=litellm AS_OF="$$(date -u +%F)" \
		SOURCE="LiteLLM $$version price database (model_prices_and_context_window_backup.json from the PyPI wheel)" \
		$(MAKE) --no-print-directory refresh

## html: build _build/html from the executed notebooks in book/ (no execution), warnings are errors.
## Incremental: Sphinx's environment stays in _build, so only changed pages are re-read, and the
## result is byte for byte a clean build's (lib/book/htmlbuild.py); `make clean html` builds from scratch.
html: $(STAMP)
	$(BIN)/python -m lib.data.lock --shared -- $(BIN)/python -m lib.book.htmlbuild build . --warningiserror --nitpick --keep-going --quiet
	@echo "The book is at $(CURDIR)/_build/html/index.html"

## book: refresh, then build the HTML
book: refresh html

## test: the whole suite: lib unit and property tests, data schema, nbval over book/, HTML build.
## Spread over TEST_WORKERS pytest-xdist workers (default: one per core); how tests are grouped onto
## workers is in tests/conftest.py (one file, so one notebook's nbval cells, per worker at a time).
## TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n "$(TEST_WORKERS)" --dist loadfile --no-loadscope-reorder --nbval --nbval-current-env tests book

## lab: JupyterLab on this project; the .py chapters in analyses/ open as notebooks
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root) analyses

## bench: the speed figures of issue 8 (cold and incremental refresh, HTML build, what-ifs, attribution of
## 10 M calls on DuckDB and Spark against a LiteLLM per-call loop) as one table (prints; not a test).
## BENCH_ARGS=--only-attribution runs just the attribution rows.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python tools/bench.py $(BENCH_ARGS)

clean:
	rm -rf _build
