# Sekali Datang: `make run` to serve the app, `make test` to run every test.
# Both install what is missing first, so they work on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/pip install --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# The one entry point (server/wsgi.py builds the app from the environment), named on every
# command line as the Procfile does: nothing depends on FLASK_APP being set.
FLASK := $(BIN)/flask --app server.wsgi
CATALOG ?= data/catalog
PYTEST_ARGS ?=

.PHONY: run dev test test-unit test-db test-api test-sync test-uploads test-push test-e2e install pwa \
        migrate catalog \
        chromium clean lock bench soak wrk

run: install pwa migrate catalog  ## serve on http://127.0.0.1:8000 with SQLite (embedded default)
	@echo "Sekali Datang: http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/docs)"
	@# The push worker runs beside the web server as a second process (the Procfile's
	@# worker: line), stopped when the server stops.
	$(FLASK) push worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --threads 4 \
		--access-logfile - server.wsgi:app

dev: install pwa migrate catalog  ## Flask's debug server, reloading on change
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: install pwa chromium  ## every test: PWA unit tests, then unit, API, sync, browser
	cd pwa && npm test --silent
	$(BIN)/pytest $(PYTEST_ARGS)

test-unit test-db test-api test-sync test-uploads test-push: install
	$(BIN)/pytest tests/$(subst test-,,$@) $(PYTEST_ARGS)

test-e2e: install pwa chromium
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

install: $(VENV)/.installed pwa/node_modules/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -c constraints.txt -e '.[dev]'
	touch $@

pwa/node_modules/.installed: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
	touch $@

pwa: pwa/node_modules/.installed  ## build the PWA into pwa/dist
	cd pwa && npm run build --silent

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

catalog: $(VENV)/.installed
	$(FLASK) catalog load $(CATALOG)

# Debian's Chromium for the browser tests (Playwright cannot download browsers here), and
# tesseract for the scan legibility test.
chromium:
	@{ command -v chromium && command -v tesseract && test -e /usr/share/tesseract-ocr/5/tessdata/ind.traineddata; } >/dev/null 2>&1 || { \
		echo "installing Debian's chromium and tesseract-ocr for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			chromium tesseract-ocr tesseract-ocr-ind >/dev/null; }

# Every benchmark script in bench/ (bench/README.md): each prints its ratios with their goals
# and exits non-zero on a MISS; all run even when one misses. Needs PostgreSQL on
# 127.0.0.1:5432 (BENCH_PG_URL) for the PostgreSQL halves; without it they say so and skip.
bench: install wrk
	@status=0; for script in bench/*.py; do \
		case "$$script" in bench/common.py|bench/__init__.py) continue;; esac; \
		echo "### $$script"; $(BIN)/python "$$script" || status=1; \
	done; exit $$status

# The load and fault soak (soak/, bench/README.md "The soak"): 200 citizens and 3 officers
# for 5 minutes against gunicorn on PostgreSQL, a worker SIGKILLed, PostgreSQL restarted,
# then the checker; SOAK_ARGS passes options (e.g. SOAK_ARGS="--duration 60 --citizens 50").
soak: install
	$(BIN)/python -m soak.run $(SOAK_ARGS)

# Debian's wrk, the load generator of the HTTP benchmarks.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "installing Debian's wrk for the benchmarks"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			wrk >/dev/null; }

# Re-pin every Python dependency after changing pyproject.toml.
lock: $(VENV)/.installed
	$(BIN)/pip freeze --exclude-editable --exclude pip | sort > constraints.txt

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist .pytest_cache
