# The commands people type. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The shared open-data mirror beside the checkout, when there is one; else the builder downloads.
BIM_SOURCE_DIR ?= $(if $(wildcard ../shared/data),$(abspath ../shared/data),)
export BIM_SOURCE_DIR
PORT ?= 8501

.PHONY: setup reference run test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Built once; `make reference` forces a rebuild.
data/boroughs/build.json: | $(VENV)/.installed
	$(PY) -m ingest reference

reference: setup
	$(PY) -m ingest reference

run: setup data/boroughs/build.json
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

test: setup data/boroughs/build.json
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

bench: setup data/boroughs/build.json
	$(PY) benchmarks/join.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache data/boroughs/*.geojson data/boroughs/build.json
