# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test lint messages bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,demo]"
	touch $(STAMP)

run: setup
	scripts/run-demo.sh

test: setup
	$(PY) scripts/devenv.py check
	$(VENV)/bin/ruff check .
	ENVIRONMENT=test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: setup
	ENVIRONMENT=test $(PY) manage.py makemessages -l sv --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests
	ENVIRONMENT=test $(PY) manage.py compilemessages -l sv --ignore=.venv

bench: setup
	$(VENV)/bin/pytest bench -p no:xdist -s -q
