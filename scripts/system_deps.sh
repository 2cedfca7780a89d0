#!/usr/bin/env bash
# Ensure the system pieces the browser tests and PDF reports need:
#   * Debian packages: chromium (headless browser for tests/browser),
#     poppler-utils (pdftoppm/pdftotext to check PDFs),
#     fonts-wqy-zenhei (TrueType CJK font embedded by reportlab and used by
#     Chromium to render Chinese text);
#   * tests/browser/node_modules/playwright-core (pinned in package-lock.json).
# Idempotent: installs only what is missing. Prints one line saying what it did.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
packages=(chromium poppler-utils fonts-wqy-zenhei)
done_msgs=()

missing=()
for p in "${packages[@]}"; do
    if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$'; then
        missing+=("$p")
    fi
done

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "system-deps: missing Debian packages: ${missing[*]}; run as root:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    log=$(mktemp)
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "system-deps: apt-get install ${missing[*]} failed" >&2
        exit 1
    fi
    rm -f "$log"
    done_msgs+=("installed ${missing[*]}")
fi

browser="$root/tests/browser"
if [[ ! -f "$browser/node_modules/playwright-core/package.json" ]]; then
    command -v npm >/dev/null || { echo "system-deps: npm not found (install Node.js >= 20)" >&2; exit 1; }
    if [[ -f "$browser/package-lock.json" ]]; then
        (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    else
        (cd "$browser" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    fi
    [[ -f "$browser/node_modules/playwright-core/package.json" ]] \
        || { echo "system-deps: playwright-core missing after npm install" >&2; exit 1; }
    done_msgs+=("installed playwright-core $(node -p "require('$browser/node_modules/playwright-core/package.json').version")")
fi

if ((${#done_msgs[@]})); then
    msg=$(printf '%s; ' "${done_msgs[@]}")
    echo "system-deps: ${msg%; }"
else
    echo "system-deps: nothing to do (${packages[*]} and playwright-core already installed)"
fi
