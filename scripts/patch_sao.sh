#!/usr/bin/env bash
# Apply the project's fixes of the web client (scripts/sao-patches/*.patch,
# unified diffs against the installed tryton-sao package) to DEST.
# Idempotent: a patch already applied is left alone; one that applies
# neither way fails loudly (a new sao release: check the patch).
#
# board-action-domain.patch: sao 8.0's dashboard panels ignore the domain of
# their action (Sao.View.Board.Action computes it but never gives it to the
# screen), so a board listed every record of the model.
#
# char-size-width.patch: sao 8.0 draws a text field (Char) of size N as N + 5
# characters wide, so a reason or a note of size 1000 made a form ~9,000
# pixels wide (the resident's form: every field and button off screen); a
# field of more than 50 characters now fills its cell.
#
# sao-locale/<lang>.json: the web client's own strings its translation
# leaves empty or lacks (sao 8.0's zh_CN: the menu's "Add to favorites"
# star, "Restore", the chat and notification entries...), merged into
# DEST/locale/<lang>.json; a translation sao ships is kept.
set -euo pipefail

dest=${1:?usage: $0 DEST}
patches=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sao-patches

command -v patch >/dev/null || { echo "sao: the patch command is missing (apt-get install patch)" >&2; exit 1; }
for p in "$patches"/*.patch; do
    name=$(basename "$p")
    if patch -p1 -d "$dest" --dry-run --reverse --force --silent < "$p" >/dev/null 2>&1; then
        continue
    fi
    if ! patch -p1 -d "$dest" --forward --force --silent --no-backup-if-mismatch < "$p"; then
        echo "sao: $name does not apply to $dest" >&2
        exit 1
    fi
    echo "sao: applied $name"
done

for supplement in "$patches"/../sao-locale/*.json; do
    [[ -e "$supplement" ]] || continue
    target="$dest/locale/$(basename "$supplement")"
    [[ -e "$target" ]] || { echo "sao: no $target to complete" >&2; exit 1; }
    python3 - "$supplement" "$target" <<'PY'
import json
import sys

supplement, target = sys.argv[1:]
with open(supplement, encoding='utf-8') as f:
    texts = json.load(f)
with open(target, encoding='utf-8') as f:
    catalog = json.load(f)
added = 0
for msgid, msgstr in texts.items():
    current = catalog.get(msgid)
    if not (current and current[1]):
        catalog[msgid] = [None, msgstr]
        added += 1
if added:
    with open(target, 'w', encoding='utf-8') as f:
        json.dump(catalog, f, ensure_ascii=False)
    print(f'sao: {added} translations added to {target}')
PY
done
