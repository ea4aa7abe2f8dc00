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

# `make bench`: every benchmark of issue 16 against a platform of its own (instance "bench":
# its own database, vhost, var/ and port 8009; never `make run`'s or a test instance), reset,
# started here, loaded with the demo county, stopped at the end; every benchmark runs even if one
# fails (the exit status says so). BENCH_QUICK=1 shortens the runs. The reads first, on the
# demo county as issue 16 measured them: the command benchmarks add some 5,000 cooperatives.
BENCH_PORT ?= 8009
BENCH_ENV := INSTANCE=bench VAR=$(CURDIR)/var/bench DB_NAME=coopleague_bench \
	AMQP_VHOST=coopleague_bench GATEWAY_PORT=$(BENCH_PORT) \
	DATABASE_URL=postgresql://postgres@127.0.0.1:5432/coopleague_bench \
	BENCH_DSN=postgresql://postgres@127.0.0.1:5432/coopleague_bench \
	AMQP_URI=amqp://guest:guest@127.0.0.1:5672/coopleague_bench \
	BENCH_AMQP=amqp://guest:guest@127.0.0.1:5672/coopleague_bench \
	JWT_SECRET=bench-secret-not-for-production-0123456789abcdef \
	RATE_LIMIT_PER_SECOND=100000 RATE_LIMIT_BURST=100000
BENCH_SECONDS_RATE := $(if $(BENCH_QUICK),8,20)
BENCH_SECONDS_LOAD := $(if $(BENCH_QUICK),8,30)

bench:
	@$(BENCH_ENV) deploy/platform.sh reset
	@$(BENCH_ENV) deploy/platform.sh start
	@status=0; \
	 $(BENCH_ENV) DEMO_SKIP=funding $(PY) -m deploy.demo || \
	   echo "make bench: the demo stopped early (above); the benchmarks use what it loaded"; \
	 $(BENCH_ENV) $(PY) bench/settle.py || status=$$?; \
	 $(BENCH_ENV) $(PY) bench/gateway_load.py --seconds $(BENCH_SECONDS_LOAD) || status=$$?; \
	 $(BENCH_ENV) $(PY) bench/commands.py --seconds $(BENCH_SECONDS_RATE) || status=$$?; \
	 $(BENCH_ENV) $(PY) bench/floor.py --seconds $(if $(BENCH_QUICK),4,8) || status=$$?; \
	 $(BENCH_ENV) $(PY) bench/partner_ingest.py || status=$$?; \
	 $(BENCH_ENV) $(PY) bench/eventstore.py --appends || status=$$?; \
	 $(BENCH_ENV) deploy/platform.sh stop; exit $$status

rebuild:
	@for s in org activities funding assessment; do $(PY) -m deploy.rebuild $$s; done

# Backups of the instance in the environment (docs/operations.md): the event stores, the
# migration records and read models (pg_dump per schema) and the broker's definitions.
backup:
	@$(PY) -m deploy.backup backup $(BACKUP)

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time> [REPLACE=1]"; exit 2; }
	@$(PY) -m deploy.backup restore $(BACKUP) $(if $(REPLACE),--replace,)
