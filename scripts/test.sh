#!/usr/bin/env bash
# The whole suite but the long tests: pyflakes, then the SQLite pass and the
# PostgreSQL pass (when 127.0.0.1:5432 answers) side by side, one process
# each: the machine has two cores and each pass keeps one busy.  Each pass's
# output is printed when it ends, then the time of each.  Exit status is
# non-zero when any pass fails or collects no test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/passes.sh
# Fresh template caches per run: trytond keys DB_CACHE by module names only,
# so a cache kept across runs goes stale when a module changes.  On
# PostgreSQL the cache is template databases (DB_CACHE=postgresql://,
# named test-<hash>): a copy of one is a CREATE DATABASE, where a dump would
# be restored table by table.
work=$(mktemp -d)
templates=no

drop_templates() {
    local name
    for name in $(psql -h 127.0.0.1 -U postgres -d postgres -tAc \
            "SELECT datname FROM pg_database
            WHERE datname ~ '^test-[0-9a-f]{40}\$'"); do
        psql -h 127.0.0.1 -U postgres -d postgres -qc \
            "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" || true
    done
}

cleanup() {
    [ "$templates" = yes ] && drop_templates
    rm -rf "$work"
}
trap cleanup EXIT

echo "=== pyflakes"
if "$bin/python" -m pyflakes addons scripts reports tests; then
    results+=("pyflakes: clean")
else
    results+=("pyflakes: FAILED"); status=1
fi

passes=(SQLite)
run_pass SQLite DB_CACHE="$work/cache-sqlite" -- \
    -q -m "not long" --durations=15 addons/*/tests tests reports

if pg_up; then
    templates=yes
    drop_templates
    passes+=(PostgreSQL)
    # trytond names the test database after the second the run started:
    # make it unique, so that two runs at once cannot meet.
    run_pass PostgreSQL TRYTOND_DATABASE__URI="$PG_URI" \
        DB_CACHE=postgresql:// DB_NAME="test_$$_$(date +%s)" -- \
        -q -m "not sqlite_only and not long" --durations=15 \
        addons/*/tests tests
else
    results+=("PostgreSQL: not run (no server answered on 127.0.0.1:5432)")
fi
echo "=== running: ${passes[*]} (output of each when it ends)"

wait_passes "${passes[@]}"

echo
echo "=== Backends"
printf '    %s\n' "${results[@]}"
exit $status
