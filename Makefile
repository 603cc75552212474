# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_WORKERS ?= 2
# gunicorn's rule of thumb: two sync workers per core, plus one.
WEB_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 + 1 )))
BOSS_DEMO_DEPLOYMENT ?= false
# Months of demo history `make run` fills in behind the server once it is up (0: none; idempotent per hall).
DEMO_HISTORY ?= 6

# Python keeps its compiled modules (__pycache__, git-ignored) even where the environment asks it not to
# (PYTHONDONTWRITEBYTECODE=1 on this machine, as in many container images): otherwise every process compiles
# every module it imports again: a test worker's collection took 15.7 s instead of 7.1, a Django start 1.6 s
# instead of 0.6, and `make run` starts six processes (issue 20: `make test`, CI and `make run` times).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run dev test setup setup-dev migrate demo demo-history messages check-deploy lint clean

## make run: set everything up on the embedded default (SQLite, file-system broker) and serve the counter the
## way production does (the demo's months of history are filled in behind it, DEMO_HISTORY): gunicorn with sync workers for the cores (WEB_WORKERS), static files through
## WhiteNoise, DEBUG off (DEBUG=true to have it on). The SQLite file is in WAL mode with a busy timeout and
## IMMEDIATE transactions (boss/settings/base.py), so the workers, the Celery worker and beat write side by side.
# demo_data runs the demo's work orders on the simulated HLR without its 50 ms a command (the demo is loaded,
# not lived: 2 s of `make run`); the server and the worker keep the latency.
run: setup
	@$(BIN)/python manage.py migrate --noinput -v 0
	@BOSS_HLR_LATENCY_MS=0 $(BIN)/python manage.py demo_data
	@echo ""
	@echo "Counter: http://$(HOST):$(PORT)/   Customers' portal: http://$(HOST):$(PORT)/portal/   API docs: http://$(HOST):$(PORT)/api/docs/   (Ctrl-C stops everything)"
	@[ "$(DEMO_HISTORY)" = 0 ] || echo "演示历史 Demo history: $(DEMO_HISTORY) months of business are being filled in behind the server (var/demo_history.log; DEMO_HISTORY=0 to skip)"
	@trap 'kill 0' INT TERM EXIT; export DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-boss.settings.local}; \
	$(BIN)/celery -A boss worker --loglevel=INFO --concurrency=2 > var/worker.log 2>&1 & \
	$(BIN)/celery -A boss beat --loglevel=INFO > var/beat.log 2>&1 & \
	if [ "$(DEMO_HISTORY)" != 0 ]; then (sleep 10; nice -n 10 $(BIN)/python manage.py demo_history --months $(DEMO_HISTORY)) \
	  > var/demo_history.log 2>&1 & fi; \
	$(BIN)/gunicorn boss.wsgi:application --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) --preload \
	  --access-logfile var/access.log

## make dev: the same on Django's development server, for developers: the reloader and DEBUG's pages.
dev: setup
	@$(BIN)/python manage.py migrate --noinput -v 0
	@BOSS_HLR_LATENCY_MS=0 $(BIN)/python manage.py demo_data
	@trap 'kill 0' INT TERM EXIT; export DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-boss.settings.local}; \
	export DEBUG=$${DEBUG:-true}; \
	$(BIN)/celery -A boss worker --loglevel=INFO --concurrency=2 > var/worker.log 2>&1 & \
	$(BIN)/celery -A boss beat --loglevel=INFO > var/beat.log 2>&1 & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make lint: the linter, the type checker and the layer contract, each at zero findings (CI runs it).
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## make test: the whole suite (PostgreSQL when DATABASE_URL points at one, else SQLite). Work-stealing: the
## browser tests come last and are long; a worker that runs out takes the other's rest (262 s instead of 279).
test: setup-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The requirements are installed with uv (pinned here): from its cache it installs them in a few seconds of
# CPU where pip spends about twenty (issue 20: `make run` serves within 45 s of a fresh clone; CI and
# `make test` set up the same way). pip stays in the venv for anyone who wants it.
UV_VERSION := 0.13.9
UV := $(BIN)/uv pip install -q --python $(BIN)/python
$(BIN)/uv: $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.runtime: $(BIN)/uv requirements.txt
	$(UV) -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(UV) -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.runtime
	@mkdir -p var

setup-dev: $(VENV)/.dev
	@mkdir -p var

migrate: setup
	$(BIN)/python manage.py migrate

demo: setup
	BOSS_HLR_LATENCY_MS=0 $(BIN)/python manage.py demo_data

## Months of history behind the demo halls (openings, payments, closed days, bills), made by the services
## with the clock set back (time-machine, from requirements-dev). Run after `make demo` or `make run`.
demo-history: setup
	$(BIN)/python manage.py demo_history --months $${MONTHS:-6}

## Regenerate the zh_Hans catalogues (needs GNU gettext) and compile them; the .mo files are committed
## so that `make run` needs no gettext.
messages:
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location --every-catalogue
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

## check-deploy fails while an outside party is simulated (boss/checks.py; on the simulated SMS gateway the
## production settings refuse to load at all): configure the real backends, or
## `make check-deploy BOSS_DEMO_DEPLOYMENT=true` for a demonstration deployment on the simulators.
check-deploy: setup
	BOSS_DEMO_DEPLOYMENT=$(BOSS_DEMO_DEPLOYMENT) \
	SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=boss.example.cn \
	DJANGO_SETTINGS_MODULE=boss.settings.production $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var staticfiles .pytest_cache
