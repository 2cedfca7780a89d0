#!/usr/bin/env bash
# Create (or upgrade) the SQLite database used by `make run`.
# Usage: scripts/setup_db.sh DB_NAME
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
db=${1:?database name}
bin=.venv/bin
dbdir=$TRYTOND_DATABASE__PATH
passfile=$TRYTONPASSFILE
mkdir -p "$dbdir"
if [ ! -s "$passfile" ]; then
    # 16 random characters, at least 12 of them different: well within the
    # password policy of trytond.conf ([password] length and entropy)
    "$bin/python" -c 'import secrets
while len(set(p := secrets.token_urlsafe(12))) < 12: pass
print(p)' > "$passfile"
    chmod 600 "$passfile"
fi
modules=$(ls addons)
if [ ! -s "$dbdir/$db.sqlite" ]; then
    echo "Creating database $db in $dbdir"
    touch "$dbdir/$db.sqlite"
    "$bin/python" -O "$bin/trytond-admin" -c trytond.conf -d "$db" --all \
        --email admin@example.com -l zh_CN
fi
echo "Activating/upgrading modules: $modules"
# shellcheck disable=SC2086
"$bin/python" -O "$bin/trytond-admin" -c trytond.conf -d "$db" \
    -u $modules --activate-dependencies -l zh_CN
