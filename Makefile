# Two commands on a fresh Debian machine:
#   make run    the app on http://127.0.0.1:5000 (SQLite, demo data, password "dropin-demo")
#   make test   installs what the tests need (Chromium included) and runs the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= dropin-demo
CHROMIUM := /usr/lib/chromium/chromium

.PHONY: run test install install-dev chromium wrk bench lint format clean image-check lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium: Playwright cannot download its own browser on these machines.
chromium:
	@test -x $(CHROMIUM) || (apt-get update && apt-get install -y --no-install-recommends chromium)

# The load generator of `make bench` (the sync PUT under 16 connections).
wrk:
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y --no-install-recommends wrk)

run: install
	DROPIN_ENV=development $(BIN)/flask --app app db upgrade
	@test -f instance/.demo-seeded || \
		(DROPIN_ENV=development $(BIN)/flask --app app seed-demo --password $(DEMO_PASSWORD) && touch instance/.demo-seeded)
	DROPIN_ENV=development $(BIN)/flask --app app run --host 127.0.0.1 --port 5000

test: install-dev chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# What the Dockerfile does, without a container engine: wheel, fresh root-owned venv from
# requirements.lock, boot.sh as an unprivileged user from a read-only copy, PostgreSQL.
# Also part of `make test` when TEST_DATABASE_URL is set and the tests run as root.
image-check: install-dev
	$(BIN)/python -m pytest -q tests/test_image.py -rs

# requirements.lock: the production image's exact dependencies, made from pyproject.toml.
lock:
	uv pip compile pyproject.toml --python-version 3.11 --quiet -o requirements.lock

# One table: each measure, ours, its baseline measured in the same run, ratio, goal.
# `make bench MEASURES="sync photos"` runs only those (`python -m bench --list`).
bench: install-dev chromium wrk
	$(BIN)/python -m bench $(MEASURES)

# CI runs this before the tests: style never drifts.
lint: install-dev
	$(BIN)/ruff check app tests bench wsgi.py
	$(BIN)/ruff format --check app tests bench wsgi.py

format: install-dev
	$(BIN)/ruff format app tests bench wsgi.py
	$(BIN)/ruff check --fix app tests bench wsgi.py

clean:
	rm -rf $(VENV) build *.egg-info
