# The commands people type. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The shared open-data mirror beside the checkout, when there is one; else the builder downloads.
BIM_SOURCE_DIR ?= $(if $(wildcard ../shared/data),$(abspath ../shared/data),)
export BIM_SOURCE_DIR
PORT ?= 8501

.PHONY: setup messages system-deps assets reference run cluster test lint bench clean

setup: $(VENV)/.installed messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The translations: each language's .po compiled to the .mo the app reads (git-ignored); a catalog is
# recompiled when its .po changes. `python -m i18n.template` after editing the English one (README).
CATALOGS := $(patsubst %.po,%.mo,$(wildcard i18n/locales/*/LC_MESSAGES/messages.po))
messages: $(CATALOGS)

i18n/locales/%/LC_MESSAGES/messages.mo: i18n/locales/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -l $* -i $< -o $@

# The tests drive a real browser and a real PostGIS server: Debian's chromium and PostgreSQL 15 + PostGIS;
# `make cluster` and its test put Debian's nginx in front of the replicas; the mail tests make their
# TLS certificate with openssl.
SYSTEM_PACKAGES := chromium postgresql-15 postgresql-15-postgis-3 nginx openssl
system-deps:
	@if command -v chromium >/dev/null && test -f /usr/share/postgresql/15/extension/postgis.control \
		&& test -x /usr/sbin/nginx && command -v openssl >/dev/null; then :; else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

# Leaflet and plugin assets from the npm registry (versions locked in package-lock.json), copied into
# static/vendor/ (git-ignored) and served by the app itself at /app/static/vendor/: no CDN at run time.
VENDOR := static/vendor
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/jquery $(VENDOR)/bootstrap $(VENDOR)/fontawesome-free $(VENDOR)/supercluster
	cp -r node_modules/leaflet/dist $(VENDOR)/leaflet
	cp node_modules/supercluster/dist/supercluster.min.js node_modules/supercluster/LICENSE $(VENDOR)/supercluster/
	cp -r node_modules/leaflet.awesome-markers/dist $(VENDOR)/leaflet.awesome-markers
	cd node_modules/@fortawesome/fontawesome-free && cp -r css webfonts LICENSE.txt $(CURDIR)/$(VENDOR)/fontawesome-free/
	cp node_modules/jquery/dist/jquery.min.js node_modules/jquery/LICENSE.txt $(VENDOR)/jquery/
	cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js node_modules/bootstrap/LICENSE $(VENDOR)/bootstrap/
	touch $@

# Built once; `make reference` forces a rebuild.
data/boroughs/build.json: | $(VENV)/.installed
	$(PY) -m ingest reference

reference: setup
	$(PY) -m ingest reference

# Demo data: the 375 OpenStreetMap community places of the source folder, imported into the store
# once (a re-import changes nothing). Skipped when there is no source folder.
DEMO_FILE := $(BIM_SOURCE_DIR)/initiatives/brussels_osm_community_places.geojson
DEMO_STAMP := $(if $(BIM_SOURCE_DIR),data/demo-import.stamp,)
data/demo-import.stamp: $(DEMO_FILE) data/boroughs/build.json
	$(PY) -m ingest import "$(DEMO_FILE)" --source osm_community_places --licence "ODbL 1.0 – © OpenStreetMap contributors"
	touch $@

run: setup assets data/boroughs/build.json $(DEMO_STAMP)
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

# REPLICAS app processes on one PostGIS store (BIM_DATABASE_URL=postgresql+psycopg://...) behind nginx on
# LISTEN, with a shared cookie secret and sticky sessions (deploy/cluster.py; README: "Running replicas").
REPLICAS ?= 2
LISTEN ?= 127.0.0.1:8080
cluster: setup system-deps assets data/boroughs/build.json
	$(PY) deploy/cluster.py --replicas $(REPLICAS) --listen $(LISTEN)

# The map's JavaScript (ui/js/) with node's own test runner, then the Python suite.
test: setup system-deps assets data/boroughs/build.json
	node --test tests/js/
	$(PY) -m pytest

# ruff (lint and format) and mypy (configured in pyproject.toml: strict for core/ and geo/).
lint: setup
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(PY) -m mypy

bench: setup system-deps assets data/boroughs/build.json
	$(PY) benchmarks/join.py
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/coverage.py
	$(PY) benchmarks/app.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache data/boroughs/*.geojson data/boroughs/build.json data/network
	rm -rf node_modules $(VENDOR) test-artifacts $(CATALOGS)
