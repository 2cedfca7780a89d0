#!/usr/bin/env bash
# The README's pictures: each role's main screen (the city dashboard, the
# site manager's admitted arrivals, the medical staff's samples awaiting
# results, a dispatched transfer, a confirmed stocking plan), taken by the
# browser journeys (tests/test_browser.py) from the demo city into
# docs/screenshots/, then scaled to 1280x800 and made small (256 colours).
#
#   make screenshots        (needs `make venv sao system-deps`)
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
SCREENSHOTS=$out .venv/bin/pytest -q -p no:cacheprovider tests/test_browser.py \
    -k 'site_manager or medical or transfer or logistics or board'
.venv/bin/python - "$out" <<'PY'
import sys
from pathlib import Path

from PIL import Image

for path in sorted(Path(sys.argv[1]).glob('*.png')):
    before = path.stat().st_size
    with Image.open(path) as image:
        image.load()
    if image.mode != 'P':
        # The journeys' 1600x1000 window, at 1280x800
        image = image.convert('RGB')
        if image.width > 1280:
            image = image.resize(
                (1280, round(image.height * 1280 / image.width)),
                Image.Resampling.LANCZOS)
        image = image.quantize(256, dither=Image.Dither.NONE)
    image.save(path, optimize=True)
    print(f'{path}: {before // 1024} KiB -> {path.stat().st_size // 1024} KiB')
PY
