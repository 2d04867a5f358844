# iProDash: `make run` starts everything with demo data; `make test` runs every suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3000
DEMO_JOBS ?= 3000
BENCH_JOBS ?= 100000
BENCH_PORT ?= 3100
SESSIONS ?= 25,50,100,200
SESSION_SECONDS ?= 45
export PORT
export REFLEX_USE_NPM := 1
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

# run-multi: the production shape on one machine (README, "Production").
.PHONY: run run-multi test install install-dev ensure-caddy worker seed db-start db-stop unit integration e2e bench bench-sessions bench-browser clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(PY) -m iprodash.cli db start
	$(PY) -m iprodash.cli seed --demo --jobs $(DEMO_JOBS)
	$(PY) scripts/run_app.py

# Redis, two app workers behind one port (scripts/tcp_balancer.py) and the scheduler once.
run-multi: install
	@command -v redis-server >/dev/null || { echo "Installing redis-server (apt-get)..."; \
		apt-get update -qq && apt-get install -y -qq redis-server; }
	$(PY) -m iprodash.cli db start
	$(PY) -m iprodash.cli seed --demo --jobs $(DEMO_JOBS)
	$(PY) scripts/run_multi.py

# Debian's caddy for the browser test over HTTPS (tests/e2e/test_https_proxy.py);
# installed as root, otherwise that test is skipped.
ensure-caddy:
	@command -v caddy >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then echo "Installing caddy (apt-get)..."; \
			apt-get update -qq && apt-get install -y -qq caddy; \
		else echo "caddy is missing, the HTTPS browser test is skipped:" \
			"sudo apt-get install -y caddy"; fi; }

worker: install
	$(PY) -m iprodash.jobs.scheduler

seed: install
	$(PY) -m iprodash.cli seed --demo --jobs $(DEMO_JOBS)

db-start: install
	$(PY) -m iprodash.cli db start

db-stop: install
	$(PY) -m iprodash.cli db stop

unit: install-dev
	$(PY) -m pytest tests/unit -q

integration: install-dev
	$(PY) -m pytest tests/integration -q

e2e: install-dev ensure-caddy
	$(PY) scripts/ensure_chromium.py
	$(PY) -m pytest tests/e2e -q

test: install-dev ensure-caddy
	$(PY) scripts/ensure_chromium.py
	$(PY) -m pytest tests -q

# Every benchmark runs even when an earlier one misses a target; each prints PASS/FAIL.
bench: install-dev
	-$(PY) -u -m bench.run --jobs $(BENCH_JOBS)
	-$(PY) -u -m bench.reports_bench
	-$(PY) -u -m bench.export_bench
	-$(PY) -u -m bench.sessions --port $(BENCH_PORT)
	-$(PY) -u -m bench.browser --port $(BENCH_PORT)

# Many browser sessions at once on the production build (about 8 minutes, the
# first frontend build included); SESSIONS="25,50" SESSION_SECONDS=30 for less.
bench-sessions: install-dev
	$(PY) -u -m bench.sessions --port $(BENCH_PORT) --sessions $(SESSIONS) \
		--seconds $(SESSION_SECONDS)

# First page and in-app navigation in Chromium on the production build.
bench-browser: install-dev
	$(PY) scripts/ensure_chromium.py
	$(PY) -u -m bench.browser --port $(BENCH_PORT)

bench-reports: install-dev
	$(PY) -u -m bench.reports_bench

bench-export: install-dev
	$(PY) -u -m bench.export_bench

clean:
	rm -rf .web .states data/test-*
