#!/usr/bin/env bash
# The whole suite: SQLite first, then PostgreSQL when 127.0.0.1:5432 answers.
# Exit status is non-zero when any run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/pg.sh
PG_URI=${PG_URI:-postgresql://postgres@127.0.0.1:5432/}
bin=.venv/bin
# Fresh template cache per run: trytond keys DB_CACHE by module names only,
# so a cache kept across runs goes stale when a module changes.
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

run_pytest() {
    # pytest exits 5 when it collected nothing: that is a failure here too.
    local label=$1; shift
    echo "=== $label: pytest $*"
    set +e
    "$bin/pytest" "$@"
    local status=$?
    set -e
    if [ $status -eq 5 ]; then
        echo "!!! $label: no test was collected" >&2
        return 1
    fi
    return $status
}

results=()
status=0

echo "=== pyflakes"
if "$bin/python" -m pyflakes addons scripts reports tests; then
    results+=("pyflakes: clean")
else
    results+=("pyflakes: FAILED"); status=1
fi

if DB_CACHE=$cache/sqlite run_pytest SQLite -q -m "not long" addons/*/tests tests reports; then
    results+=("SQLite: passed")
else
    results+=("SQLite: FAILED"); status=1
fi

if pg_up; then
    # trytond names the test database after the second the run started:
    # make it unique, so that two runs at once cannot meet.
    if TRYTOND_DATABASE__URI=$PG_URI DB_CACHE=$cache/postgresql \
            DB_NAME=test_$$_$(date +%s) \
            run_pytest PostgreSQL -q -m "not sqlite_only and not long" addons/*/tests tests; then
        results+=("PostgreSQL: passed")
    else
        results+=("PostgreSQL: FAILED"); status=1
    fi
else
    results+=("PostgreSQL: not run (no server answered on 127.0.0.1:5432)")
fi

echo
echo "=== Backends"
printf '    %s\n' "${results[@]}"
exit $status
