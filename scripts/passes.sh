# Sourced by scripts/test.sh and scripts/test_long.sh, from the top of the
# repository: pytest passes run side by side in the background, each
# printed when it ends, with its time.  The caller sets $work (a temporary
# directory) before running a pass.
. scripts/env.sh
. scripts/pg.sh
PG_URI=${PG_URI:-postgresql://postgres@127.0.0.1:5432/}
bin=.venv/bin

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

# wait_passes LABEL...: print each pass as soon as it ends, the first to
# end first
wait_passes() {
    local pending=("$@") still label
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
}
