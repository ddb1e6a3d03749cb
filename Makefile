# The two commands a newcomer needs: `make run` and `make test`. Both start with `make install`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per core (pytest-xdist); PYTEST_WORKERS=0 runs the suite in this process alone.
PYTEST_WORKERS ?= auto

.PHONY: install system-packages messages run worker test lint format ci migrations-check check demo backup restore clean

install: system-packages $(STAMP) messages

system-packages:
	@bash scripts/install-system-packages.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

messages: $(STAMP)
	@if [ -n "$$(find locale -name '*.po' 2>/dev/null)" ]; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

run: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo --if-empty --with-report
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

# The job queue's worker, for a portal started with CELERY_BROKER_URL (or REDIS_URL) set; `make run` needs none.
worker: install
	@test -n "$$CELERY_BROKER_URL$$REDIS_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for the worker and the web server."; exit 1; }
	$(VENV)/bin/celery -A ntm_portal worker -l info

demo: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo --with-report

test: install
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

ci: check migrations-check lint test

# One archive of the database (DATABASE_URL), the media files and a manifest of checksums; BACKUP=path to choose it.
backup: $(STAMP)
	$(PY) manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

# Into an empty database and media folder only, unless FORCE=1; every checksum and row count is checked.
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/ntm-YYYYMMDD-HHMM.tar [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
