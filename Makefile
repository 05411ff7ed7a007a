# Sekali Datang: `make run` to serve the app, `make test` to run every test.
# Both install what is missing first, so they work on a fresh machine: `make run` (and
# `make install`, the production recipe's) only the runtime lock, `make test` the development
# lock (runtime + test tools). Both locks pin every package with its hashes (`make lock`).

PYTHON ?= python3
# Python may write its bytecode caches (__pycache__, git-ignored) even where the shell says not
# to: pytest keeps each module's assertion rewrite there, and without it every test worker,
# and the controller before them, rewrites the same 374 modules again (about 4 s a process).
unexport PYTHONDONTWRITEBYTECODE
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
# pytest on every core (pytest-xdist): each worker process has its own databases (templates,
# tests/conftest.py), servers and browser; --dist loadfile hands out whole test files, so a
# module's fixture (a gunicorn, a calibration set) is made once. One worker more than the
# cores: a worker waiting on its Chromium, PostgreSQL or gunicorn leaves a core idle, which
# the extra one fills (2 cores: 506 s with 2 workers, 446 s with 3, the CPU 99% busy
# throughout). PYTEST_XDIST= runs in one process; any one folder also runs alone
# (`.venv/bin/pytest tests/db`).
PYTEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print((os.cpu_count() or 1) + 1)")
PYTEST_XDIST ?= -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

.PHONY: run dev test lint test-unit test-db test-api test-sync test-uploads test-push test-e2e \
        install install-dev pwa migrate catalog \
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

# The PWA's unit tests (node --test) mostly wait on timers (about 9 s of CPU in 90 s), so they
# run beside pytest instead of before it; their report is printed after pytest's, and either
# failing fails `make test`.
test: lint install-dev pwa chromium  ## every test: lint, then the PWA unit tests beside pytest
	@npm_log=$$(mktemp); (cd pwa && npm test --silent) >"$$npm_log" 2>&1 & npm_pid=$$!; \
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS); pytest_status=$$?; \
	wait $$npm_pid; npm_status=$$?; \
	echo "### PWA unit tests (cd pwa && npm test): exit status $$npm_status"; \
	cat "$$npm_log"; rm -f "$$npm_log"; \
	test $$pytest_status = 0 && test $$npm_status = 0

# ruff (pyflakes and pycodestyle errors: [tool.ruff] in pyproject.toml) on every Python file,
# and mypy on the sync engine ([tool.mypy]).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

test-unit test-db test-api test-sync test-uploads test-push: install-dev
	$(BIN)/pytest tests/$(subst test-,,$@) $(PYTEST_XDIST) $(PYTEST_ARGS)

test-e2e: install-dev pwa chromium
	$(BIN)/pytest tests/e2e $(PYTEST_XDIST) $(PYTEST_ARGS)

# The runtime only (what a server needs), and the development tools beside it.
install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev pwa/node_modules/.installed

$(VENV)/.created:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	touch $@

# Every package from its lock, each checked against its hashes; then the project itself.
$(VENV)/.installed-runtime: $(VENV)/.created requirements/runtime.txt pyproject.toml
	$(PIP_INSTALL) --require-hashes -r requirements/runtime.txt
	$(PIP_INSTALL) --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.created requirements/dev.txt pyproject.toml
	$(PIP_INSTALL) --require-hashes -r requirements/dev.txt
	$(PIP_INSTALL) --no-deps -e .
	touch $@

pwa/node_modules/.installed: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
	touch $@

pwa: pwa/node_modules/.installed  ## build the PWA into pwa/dist
	cd pwa && npm run build --silent

migrate: install
	$(FLASK) db upgrade

catalog: install
	$(FLASK) catalog load $(CATALOG)

# Debian's Chromium for the browser tests (Playwright cannot download browsers here): the
# headless shell most run in, the full browser for notifications (tests/e2e/conftest.py); and
# tesseract for the scan legibility test.
chromium:
	@{ command -v chromium && command -v chromium-headless-shell && command -v tesseract && test -e /usr/share/tesseract-ocr/5/tessdata/ind.traineddata; } >/dev/null 2>&1 || { \
		echo "installing Debian's chromium and tesseract-ocr for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			chromium chromium-headless-shell tesseract-ocr tesseract-ocr-ind >/dev/null; }

# Every benchmark script in bench/ (bench/README.md): each prints its ratios with their goals
# and exits non-zero on a MISS; all run even when one misses. Needs PostgreSQL on
# 127.0.0.1:5432 (BENCH_PG_URL) for the PostgreSQL halves; without it they say so and skip.
bench: install-dev wrk
	@status=0; for script in bench/*.py; do \
		case "$$script" in bench/common.py|bench/__init__.py) continue;; esac; \
		echo "### $$script"; $(BIN)/python "$$script" || status=1; \
	done; exit $$status

# The load and fault soak (soak/, bench/README.md "The soak"): 200 citizens and 3 officers
# for 5 minutes against gunicorn on PostgreSQL, a worker SIGKILLed, PostgreSQL restarted,
# then the checker; SOAK_ARGS passes options (e.g. SOAK_ARGS="--duration 60 --citizens 50").
soak: install-dev
	$(BIN)/python -m soak.run $(SOAK_ARGS)

# Debian's wrk, the load generator of the HTTP benchmarks.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "installing Debian's wrk for the benchmarks"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			wrk >/dev/null; }

# Re-pin after changing pyproject.toml: requirements/runtime.txt from [project] dependencies,
# requirements/dev.txt from those plus the dev extra, held to the runtime pins; every file of
# each version with its hash, for every platform and Python >= 3.11 (uv's universal mode).
# Pins already in the files are kept; LOCK_ARGS=--upgrade moves everything to the newest.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS)
lock: $(VENV)/.installed-dev
	$(UV_COMPILE) -o requirements/runtime.txt
	$(UV_COMPILE) --extra dev -c requirements/runtime.txt -o requirements/dev.txt

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist .pytest_cache
