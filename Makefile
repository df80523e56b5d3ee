# The commands people type. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The shared open-data mirror beside the checkout, when there is one; else the builder downloads.
BIM_SOURCE_DIR ?= $(if $(wildcard ../shared/data),$(abspath ../shared/data),)
export BIM_SOURCE_DIR
PORT ?= 8501

.PHONY: setup system-deps reference run test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The tests drive a real browser and a real PostGIS server: Debian's chromium and PostgreSQL 15 + PostGIS.
SYSTEM_PACKAGES := chromium postgresql-15 postgresql-15-postgis-3
system-deps:
	@if command -v chromium >/dev/null && test -f /usr/share/postgresql/15/extension/postgis.control; then :; else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

# Built once; `make reference` forces a rebuild.
data/boroughs/build.json: | $(VENV)/.installed
	$(PY) -m ingest reference

reference: setup
	$(PY) -m ingest reference

run: setup data/boroughs/build.json
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

test: setup system-deps data/boroughs/build.json
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

bench: setup data/boroughs/build.json
	$(PY) benchmarks/join.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache data/boroughs/*.geojson data/boroughs/build.json
