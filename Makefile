# PropDesk — the two commands: `make run` and `make test` (and `make dev` for developers). See README.md.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run dev test lint fmt messages install

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Python 3.11 is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.lock
	@touch $@

install: $(VENV)/.installed

# Production mode on this machine: debug off, gunicorn + the worker, static files collected and served
# by WhiteNoise, a secret key generated once into var/secret_key (config/settings/local.py).
run: export DJANGO_SETTINGS_MODULE = config.settings.local
run: $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py run_all

# For developers: Django's development server (debug on, reloads on change) + the worker.
dev: export DJANGO_SETTINGS_MODULE = config.settings.dev
dev: $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py run_all --dev

test: $(VENV)/.installed
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate the English catalogue from the Chinese source strings and compile it.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages -l en --ignore=.venv
