# Sourced by the scripts: default locations of the local database, password
# file and web client, unless the caller (the Makefile, a test) set them.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TRYTOND_DATABASE__PATH=${TRYTOND_DATABASE__PATH:-$repo/var/db}
export TRYTOND_WEB__ROOT=${TRYTOND_WEB__ROOT:-$repo/var/sao}
export TRYTONPASSFILE=${TRYTONPASSFILE:-$repo/var/adminpass}
export TRYTOND_WEB__LISTEN=${TRYTOND_WEB__LISTEN:-127.0.0.1:8000}
