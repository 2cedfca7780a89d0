#!/usr/bin/env bash
# Install the Tryton web client (sao) into a self-contained directory that
# trytond serves through `[web] root`.
#
# Usage: scripts/install_sao.sh VERSION DEST
#   VERSION  an npm version or range of tryton-sao; a series such as `8.0`
#            resolves to the newest 8.0.x release.
#   DEST     target directory, e.g. var/sao
#
# Idempotent: does nothing when DEST/.installed exists.
# sao's index.html loads node_modules/... relative to its own directory, so
# the package is unpacked with `npm pack` and its runtime dependencies are
# installed inside DEST (not hoisted to a parent directory).
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 VERSION DEST" >&2
    exit 2
fi
version=$1
dest=$2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ -e "$dest/.installed" ]]; then
    echo "sao: already installed in $dest ($(cat "$dest/.installed" 2>/dev/null || true))"
    "$here/patch_sao.sh" "$dest"
    touch "$dest/.installed"
    exit 0
fi

command -v npm >/dev/null || { echo "sao: npm not found (install Node.js >= 18)" >&2; exit 1; }

# `8.0` -> `~8.0.0` (newest 8.0.x); anything else is passed through to npm.
if [[ "$version" =~ ^[0-9]+\.[0-9]+$ ]]; then
    spec="~${version}.0"
else
    spec="$version"
fi

start=$SECONDS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Resolve the exact version first so the log says what was installed.
# (`npm view` prints a string for one match, an array for several.)
resolved=$(npm view "tryton-sao@$spec" version --json | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        const v = s.trim() ? JSON.parse(s) : [];
        const a = Array.isArray(v) ? v : [v];
        process.stdout.write(a.length ? String(a[a.length - 1]) : "");
    });')
if [[ -z "$resolved" ]]; then
    echo "sao: no tryton-sao release matches $spec" >&2
    exit 1
fi
echo "sao: installing tryton-sao@$resolved into $dest"

(cd "$tmp" && npm pack --silent "tryton-sao@$resolved" >/dev/null)
tarball=("$tmp"/tryton-sao-*.tgz)
[[ -f "${tarball[0]}" ]] || { echo "sao: npm pack produced no tarball" >&2; exit 1; }
tar -xzf "${tarball[0]}" -C "$tmp"
[[ -f "$tmp/package/index.html" ]] || { echo "sao: package has no index.html" >&2; exit 1; }

# Replace any half-finished previous attempt.
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$tmp/package" "$dest"

# --legacy-peer-deps: grunt-po2json's peer dependency on grunt ~0.4 makes
# npm fail with ERESOLVE otherwise (sao's README says the same).
(cd "$dest" && npm install --omit=dev --legacy-peer-deps --no-audit --no-fund --loglevel=error)

for f in dist/tryton-sao.js dist/tryton-sao.css node_modules/jquery/dist/jquery.min.js; do
    [[ -f "$dest/$f" ]] || { echo "sao: $dest/$f is missing after install" >&2; exit 1; }
done

# the project's fixes of sao (scripts/sao-patches/)
"$here/patch_sao.sh" "$dest"

echo "$resolved" > "$dest/.installed"
echo "sao: tryton-sao@$resolved installed in $dest in $((SECONDS - start)) s"
