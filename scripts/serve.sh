#!/usr/bin/env bash
# Serve the web client and RPC for `make run` (python -O: see README).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
db=${1:?database name}
listen=$TRYTOND_WEB__LISTEN
cat <<MSG

  Quarantine ERP is starting.
    URL:       http://$listen/#$db
    Database:  $db   (the server does not list its databases: the URL
               above names it, or type it in the login dialog)
    Login:     admin
    Password:  $(cat "$TRYTONPASSFILE")
MSG
# The demo's logins per role (scripts/load_demo.py writes them)
logins=$(dirname "$TRYTONPASSFILE")/demo-logins
if [ -s "$logins" ]; then
    echo "    Demo logins (login password; roles in README.md):"
    sed 's/^/      /' "$logins"
fi
cat <<MSG
  Stop with Ctrl-C.

MSG
exec .venv/bin/python -O .venv/bin/trytond -c trytond.conf -d "$db"
