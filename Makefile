# Two commands for a newcomer: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DB_NAME ?= quarantine
SAO_VERSION ?= 8.0
ADDONS := $(wildcard addons/*)
export TRYTOND_DATABASE__PATH := $(CURDIR)/var/db
export TRYTOND_WEB__ROOT := $(CURDIR)/var/sao
export TRYTONPASSFILE := $(CURDIR)/var/adminpass

.PHONY: run test test-long venv sao system-deps db demo demo-scale bench screenshots clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt reports/pyproject.toml $(foreach a,$(ADDONS),$(a)/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -e reports $(foreach a,$(ADDONS),-e $(a))
	touch $@

sao: var/sao/.installed

var/sao/.installed: scripts/install_sao.sh scripts/patch_sao.sh $(wildcard scripts/sao-patches/*.patch) $(wildcard scripts/sao-locale/*.json)
	scripts/install_sao.sh $(SAO_VERSION) var/sao

system-deps:
	scripts/system_deps.sh

db: venv
	scripts/setup_db.sh $(DB_NAME)

demo: db
	$(BIN)/python -O scripts/load_demo.py -d $(DB_NAME) -c trytond.conf

run: venv sao system-deps demo
	@scripts/serve.sh $(DB_NAME)

test: venv sao system-deps
	scripts/test.sh

# The long tests (PostgreSQL): concurrent clients and a killed server
test-long: venv system-deps
	scripts/test_long.sh

bench: venv system-deps
	scripts/bench.sh

demo-scale: venv
	$(BIN)/python -O tests/bench/province.py

# The README's pictures of each role's main screen (docs/screenshots/)
screenshots: venv sao system-deps
	scripts/screenshots.sh

clean:
	rm -rf var test-artifacts
