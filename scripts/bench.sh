#!/usr/bin/env bash
# Benchmarks: each prints its figures and a ratio to a baseline measured in
# the same run (never a timed assertion).  Run under python -O like the
# server.  The database benchmarks need PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/pg.sh
pg_up || { echo 'make bench needs PostgreSQL on 127.0.0.1:5432' >&2; exit 1; }
for bench in tests/bench/bench_*.py; do
    echo "=== $bench"
    .venv/bin/python -O "$bench"
done
