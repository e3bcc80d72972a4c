# Two commands for a new user: `make run` (whole pipeline on bundled sample data) and `make test`.
# Everything installs into a project-local virtual environment from the pinned lock file.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UI_HOST ?= 127.0.0.1
UI_PORT ?= 3000
# The daemon logs every sensor tick at info: the UI shows runs and ticks, the terminal only problems.
UI_LOG_LEVEL ?= warning
DOCS_HOST ?= 127.0.0.1
DOCS_PORT ?= 8080

# Telemetry off everywhere; nothing may wait on the network.
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
# LT_DAGSTER_INSTANCE=production selects the PostgreSQL instance (deploy/production/dagster.yaml).
LT_DAGSTER_INSTANCE ?= local
export DAGSTER_HOME ?= $(CURDIR)/$(if $(filter production,$(LT_DAGSTER_INSTANCE)),deploy/production,dagster_home)
# dagster-dbt finds dbt on PATH (e.g. `dagster dev` re-parses the project on load).
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install run test ui lint docs data-docs lock clean code-texts code-eval

install: $(STAMP)

# Bytecode is compiled at install: every run Dagster launches is a new process, and without .pyc
# files (PYTHONDONTWRITEBYTECODE, a read-only venv) each one compiles ~1,500 modules (+3.5 s).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes --compile-bytecode \
		-r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

run: $(STAMP)
	$(BIN)/python -m pipelines.cli run

test: $(STAMP)
	$(BIN)/python -m pytest

ui: $(STAMP)
	$(BIN)/python -m pipelines.cli prepare
	$(BIN)/dagster dev --host $(UI_HOST) --port $(UI_PORT) --log-level $(UI_LOG_LEVEL)

# dbt docs as one self-contained page (works offline, also opened as a file), served locally.
docs: $(STAMP)
	$(BIN)/python -m pipelines.docs --serve --host $(DOCS_HOST) --port $(DOCS_PORT)

# Data-quality report of every GE suite: one HTML file, inline CSS, no network needed.
data-docs: $(STAMP)
	$(BIN)/python -m expectations.report

# Code a CSV of texts against the codebook: make code-texts IN=texts.csv OUT=mentions.csv
# (columns id, text and optionally language; see docs/theme_coding.md).
code-texts: $(STAMP)
	$(BIN)/python -m pipelines.code_texts $(IN) $(OUT)

# Precision and recall of the theme coding on third-party labelled plan text (docs/theme_coding.md):
# make code-eval [LABELS=file in the cgd_rag_labels format] [JSON=warehouse/reports/code_eval.json]
LABELS ?= $(or $(LT_SHARED_DATA_DIR),$(CURDIR)/../shared/data)/planipolis/cgd_rag_labels_dev.csv
JSON ?= warehouse/reports/code_eval.json
code-eval: $(STAMP)
	$(BIN)/python -m pipelines.code_eval $(LABELS) --json $(JSON)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-pin after editing pyproject.toml dependencies.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements.lock

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs warehouse/*.duckdb* warehouse/published warehouse/exports warehouse/dbt_docs warehouse/data_docs
