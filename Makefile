# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The test suite's OpenID Connect provider (a Node package) for the SSO browser test.
OIDC_DIR := tests/oidc
NODE_STAMP := $(OIDC_DIR)/node_modules/.installed
# Every Python package, pinned with hashes; `make lock` refreshes them from pyproject.toml.
LOCK := requirements-dev.lock
RUNTIME_LOCK := requirements.lock
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --quiet

.PHONY: setup run test test-faults lint typecheck messages bench lock backup restore

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): $(LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(NODE_STAMP): $(OIDC_DIR)/package.json $(OIDC_DIR)/package-lock.json
	npm ci --prefix $(OIDC_DIR) --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

run: setup
	scripts/run-demo.sh

test: setup lint
	$(PY) scripts/devenv.py check
	ENVIRONMENT=test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

# Killed workers, restarted PostgreSQL and Redis, on private servers it starts (~2 min).
test-faults: setup
	$(VENV)/bin/pytest -p no:xdist -m faults tests/faults

lint: setup typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

typecheck: setup
	ENVIRONMENT=test $(VENV)/bin/mypy

messages: setup
	ENVIRONMENT=test $(PY) manage.py makemessages -l sv --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests
	ENVIRONMENT=test $(PY) manage.py compilemessages -l sv --ignore=.venv

# Every benchmark (about an hour on 2 cores: pages at demo, municipal and national
# scale, exports beside django-import-export, reminders through real workers); results
# in bench/results/. BENCH_SCALES, BENCH_SECONDS and BENCH_LOG_ROWS change the sizes.
bench: setup
	BENCH_SCALES=$${BENCH_SCALES:-demo,municipal,national} BENCH_SECONDS=$${BENCH_SECONDS:-4} \
		$(VENV)/bin/pytest bench -p no:xdist -s -q

# The main pages under load at demo scale, 1 and 16 clients, 3 s a page (~3 minutes).
.PHONY: bench-quick
bench-quick: setup
	BENCH_SECONDS=3 BENCH_CLIENTS=1,16 $(VENV)/bin/pytest bench/test_bench_pages.py -p no:xdist -s -q

# A backup of the database and uploaded files in BACKUP_DIR/<UTC time>/ (DEST=dir to choose).
backup: $(STAMP)
	$(PY) manage.py backup $(if $(DEST),--dest "$(DEST)")

# Restore BACKUP=dir into the empty database of DATABASE_URL (as given, or configured).
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/<time> [DATABASE_URL=...]" >&2; exit 2; }
	$(PY) manage.py restore "$(BACKUP)"

# Refresh both lock files after changing the dependencies in pyproject.toml.
lock: setup
	$(UV_COMPILE) --extra dev --extra demo -o $(LOCK)
	$(UV_COMPILE) -o $(RUNTIME_LOCK)

# Realistic data at scale for benchmarks (SCALE=tiny|demo|municipal|national), into the
# empty database of DATABASE_URL; FLUSH=1 empties the generated tables first.
SCALE ?= municipal
SEED ?= 1
.PHONY: scale-data
scale-data: $(STAMP)
	$(PY) manage.py generate_scale_data --scale $(SCALE) --seed $(SEED) $(if $(FLUSH),--flush)
