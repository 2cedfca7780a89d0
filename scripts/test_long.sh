#!/usr/bin/env bash
# The long tests (pytest marker `long`, left out of `make test`): a real
# trytond driven over JSON-RPC on PostgreSQL by concurrent clients
# (tests/test_rpc_load.py) and killed in the middle of a bus's intake
# (tests/test_faults.py).  They need PostgreSQL on 127.0.0.1:5432.
# Exit status is non-zero when a test fails or when none was collected.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/pg.sh
PG_URI=${PG_URI:-postgresql://postgres@127.0.0.1:5432/}
bin=.venv/bin
if ! pg_up; then
    echo "!!! the long tests need PostgreSQL on 127.0.0.1:5432:" \
        "none answered" >&2
    exit 1
fi
# Fresh template cache per run, as scripts/test.sh (the long tests build
# their own databases; this keeps any trytond test helper off stale ones).
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

echo "=== PostgreSQL: pytest -m long tests"
set +e
TRYTOND_DATABASE__URI=$PG_URI DB_CACHE=$cache/postgresql \
    DB_NAME=test_$$_$(date +%s) \
    "$bin/pytest" -q -s -m long --durations=0 tests
status=$?
set -e
if [ $status -eq 5 ]; then
    echo "!!! long tests: no test was collected" >&2
    exit 1
fi
if [ $status -ne 0 ]; then
    echo "!!! long tests: FAILED (pytest exit $status)" >&2
fi
exit $status
