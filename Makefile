# The README's commands. `make run` starts the platform; `make test` runs every test.
SHELL := /bin/bash
PY := .venv/bin/python

# The test instance: its own database, vhost, port and var/ so it never touches `make run`'s.
# TEST_ID and TEST_PORT let several checkouts on one machine test side by side.
TEST_ID ?= test
TEST_PORT ?= 8001
# the PostgreSQL server of the test instance (host:port), e.g. a private one when the shared
# server is full
TEST_PG ?= 127.0.0.1:5432
TEST_ENV := INSTANCE=test VAR=$(CURDIR)/var/$(TEST_ID) DB_NAME=coopleague_$(TEST_ID) \
	AMQP_VHOST=coopleague_$(TEST_ID) GATEWAY_PORT=$(TEST_PORT) \
	DATABASE_URL=postgresql://postgres@$(TEST_PG)/coopleague_$(TEST_ID) \
	AMQP_URI=amqp://guest:guest@127.0.0.1:5672/coopleague_$(TEST_ID) \
	JWT_SECRET=test-secret-not-for-production-0123456789abcdef \
	TRACKING_TIMER_SECONDS=1 RELAY_POLL_SECONDS=1 \
	ANON_RATE_LIMIT_PER_SECOND=1000 ANON_RATE_LIMIT_BURST=5000

.PHONY: run test stop demo lint bench unit setup rebuild pytest backup restore

run:
	@deploy/platform.sh start

stop:
	@deploy/platform.sh stop

setup:
	@deploy/platform.sh setup

test:
	@$(TEST_ENV) deploy/platform.sh reset
	@$(TEST_ENV) deploy/platform.sh setup
	@$(TEST_ENV) $(PY) -m pytest -q --durations=10 tests; status=$$?; \
	  $(TEST_ENV) deploy/platform.sh stop; exit $$status

# A part of the suite on the test instance, without the reset: make pytest T='tests/unit -k x'
pytest:
	@$(TEST_ENV) deploy/platform.sh setup
	@$(TEST_ENV) $(PY) -m pytest -q $(T); status=$$?; \
	  $(TEST_ENV) deploy/platform.sh stop; exit $$status

unit:
	@$(PY) -m pytest -q tests/unit

demo:
	@deploy/platform.sh start >/dev/null
	@$(PY) -m deploy.demo

# ruff, mypy (the kernel, every domain and contract) and the import contracts of .importlinter
lint:
	@$(PY) -m ruff check .
	@$(PY) -m mypy
	@.venv/bin/lint-imports --no-logo --no-cache

bench:
	@$(PY) bench/eventstore.py

rebuild:
	@for s in org activities funding assessment; do $(PY) -m deploy.rebuild $$s; done

# Backups of the instance in the environment (docs/operations.md): the event stores, the
# migration records and read models (pg_dump per schema) and the broker's definitions.
backup:
	@$(PY) -m deploy.backup backup $(BACKUP)

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time> [REPLACE=1]"; exit 2; }
	@$(PY) -m deploy.backup restore $(BACKUP) $(if $(REPLACE),--replace,)
