# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := web/node_modules/.installed

.PHONY: run test bench lint install clean

# pip and setuptools talk a lot; their words go to a log, shown only when the install fails.
$(INSTALLED): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	@echo "Installing Python packages into $(VENV) (log: $(VENV)/install.log)"
	@( $(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet -e '.[dev]' ) \
		> $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	touch $(INSTALLED)

# Front-end libraries, exact versions from web/package-lock.json (npm registry only).
$(ASSETS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(ASSETS)

install: $(INSTALLED) $(ASSETS)

run: install
	$(BIN)/atrium serve --demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The suite mostly waits (PostgreSQL, Chromium, sleeps): WORKERS pytest-xdist processes, each
# with its own database and Redis db, keep 2 cores busy. A file's tests stay on one worker (they
# share its module fixtures), and each worker takes files in the suite's order, as one process
# does (the job tests meet what earlier files left in the database, as they do in one process).
# `make test WORKERS=0` runs it in one process.
WORKERS ?= 3
test: lint
	$(BIN)/pytest -n $(WORKERS) --dist loadfile --no-loadscope-reorder

bench: install
	$(BIN)/atrium bench all

clean:
	rm -rf $(VENV) .atrium web/node_modules
