#!/usr/bin/env bash
# The whole suite but the long tests: pyflakes, then the SQLite pass and the
# PostgreSQL pass (when 127.0.0.1:5432 answers) side by side, one process
# each: the machine has two cores and each pass keeps one busy.  Each pass's
# output is printed when it ends, then the time of each.  Exit status is
# non-zero when any pass fails or collects no test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/pg.sh
PG_URI=${PG_URI:-postgresql://postgres@127.0.0.1:5432/}
bin=.venv/bin
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

# run_pass LABEL ENV... -- PYTEST-ARGS...: run pytest in the background,
# its output in $work/LABEL.log, its exit status and seconds in
# $work/LABEL.status when it ends.
run_pass() {
    local label=$1; shift
    local env=()
    while [ "$1" != -- ]; do env+=("$1"); shift; done
    shift
    (
        start=$(date +%s)
        set +e
        env "${env[@]}" "$bin/pytest" "$@" > "$work/$label.log" 2>&1
        status=$?
        echo "$status $(( $(date +%s) - start ))" > "$work/$label.status"
    ) &
}

# report LABEL: print the pass's output and record its result
results=()
status=0
report() {
    local label=$1 code seconds
    read -r code seconds < "$work/$label.status"
    echo "=== $label (pytest exit $code, $((seconds / 60)) min $((seconds % 60)) s)"
    cat "$work/$label.log"
    local time="$((seconds / 60)) min $((seconds % 60)) s"
    if [ "$code" -eq 0 ]; then
        results+=("$label: passed in $time")
    elif [ "$code" -eq 5 ]; then
        # pytest exits 5 when it collected nothing: a failure here too.
        results+=("$label: FAILED, no test was collected"); status=1
    else
        results+=("$label: FAILED (pytest exit $code) in $time"); status=1
    fi
}

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

# Print each pass as soon as it ends, the first to end first.
pending=("${passes[@]}")
while [ ${#pending[@]} -gt 0 ]; do
    sleep 2
    still=()
    for label in "${pending[@]}"; do
        if [ -f "$work/$label.status" ]; then
            report "$label"
        else
            still+=("$label")
        fi
    done
    pending=("${still[@]+"${still[@]}"}")
done
wait

echo
echo "=== Backends"
printf '    %s\n' "${results[@]}"
exit $status
