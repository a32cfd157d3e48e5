# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Settings keep DEBUG off unless told (config/settings.py): every target here is a local run or test.
export DEBUG ?= true

# Find Python 3.12 or newer: the newest named interpreter first, then plain python3.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: run test venv migrate data demo-users lint benchmark benchmark-scale serve clean

run: venv migrate data demo-users
	@echo ""
	@echo "Serving Evidence Guidebook on http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Evidence Guidebook needs Python 3.12 or newer, and none was found on PATH."; \
		echo "Install it (e.g. 'pyenv install 3.12') or run: make PYTHON=/path/to/python3.12 run"; \
		exit 1; fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet -e . --group dev
	@touch $@

migrate: venv
	$(PY) manage.py migrate --no-input

# Loads the real data only into an empty catalogue, so a second `make run` keeps local edits.
data: migrate
	$(PY) manage.py load_real_data

demo-users: migrate
	$(PY) manage.py create_demo_users --port $(PORT)

# Production-like: DEBUG off, gunicorn workers, hashed static files, JSON logs, a local PostgreSQL
# database (created if missing, migrated, real data loaded when empty). SERVE_DATABASE_URL picks
# another database; WEB_CONCURRENCY the number of workers. Plain HTTP on 127.0.0.1 only.
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/guidebook_serve
SERVE_ENV = DEBUG=false DATABASE_URL=$(SERVE_DATABASE_URL) ALLOWED_HOSTS=127.0.0.1,localhost \
	SECURE_SSL_REDIRECT=false SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}"
serve: venv
	$(PY) scripts/ensure_database.py $(SERVE_DATABASE_URL)
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	$(SERVE_ENV) $(PY) manage.py load_real_data
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	@echo ""
	@echo "Serving Evidence Guidebook with gunicorn on http://127.0.0.1:$(PORT)/ (DEBUG off; Ctrl+C stops it)."
	$(SERVE_ENV) PORT=$(PORT) $(VENV)/bin/gunicorn -c config/gunicorn.conf.py

lint: venv
	$(VENV)/bin/ruff check .

# Speed and size measured, not tested: rewrites the SQLite section of docs/benchmark.md (see that file for PostgreSQL).
benchmark: venv
	$(PY) scripts/benchmark.py --output docs/benchmark.md $(BENCHMARK_ARGS)

# Production-like, at scale: builds PostgreSQL databases of BENCH_SIZES synthetic programmes (created and
# dropped: guidebook_scale_<N>), serves each with gunicorn (DEBUG off) and measures over HTTP, page cache
# off and on. Rewrites the generated section of docs/benchmarks.md. 10,000 programmes take a while.
BENCH_SIZES ?= 100 10000
benchmark-scale: venv
	$(PY) scripts/bench_scale.py --programmes $(BENCH_SIZES) --output docs/benchmarks.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
