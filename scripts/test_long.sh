#!/usr/bin/env bash
# The long tests (pytest marker `long`, left out of `make test`), on
# PostgreSQL, in two passes side by side:
# - servers: a real trytond driven over JSON-RPC by concurrent clients
#   (tests/test_rpc_load.py) and killed in the middle of a bus's intake
#   (tests/test_faults.py), on copies of one database of `quarantine`;
# - databases: a province built by the generator (tests/test_province.py)
#   and the demo city through pg_dump and pg_restore (tests/test_backup.py),
#   on copies of one database of every module in zh_CN, and any other
#   long test.
# They need PostgreSQL on 127.0.0.1:5432.  Exit status is non-zero when a
# test fails or when a pass collected none.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/passes.sh
if ! pg_up; then
    echo "!!! the long tests need PostgreSQL on 127.0.0.1:5432:" \
        "none answered" >&2
    exit 1
fi
# Fresh template cache per run, as scripts/test.sh (the long tests build
# their own databases; this keeps any trytond test helper off stale ones).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

long_pass() {
    local label=$1; shift
    run_pass "$label" TRYTOND_DATABASE__URI="$PG_URI" \
        DB_CACHE="$work/cache-$label" DB_NAME="test_$$_${label}_$(date +%s)" \
        -- -q -s -m long --durations=0 "$@"
}
long_pass servers tests/test_rpc_load.py tests/test_faults.py
# every other long test goes to the second pass
long_pass databases tests --ignore=tests/test_rpc_load.py \
    --ignore=tests/test_faults.py
echo "=== PostgreSQL long tests: servers, databases (output of each when it ends)"
wait_passes servers databases

echo
echo "=== Long tests"
printf '    %s\n' "${results[@]}"
exit $status
