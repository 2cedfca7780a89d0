#!/usr/bin/env python3
"""Fill a module's po file from a dictionary module (msgid -> msgstr).

Usage: fill_translations.py PO_FILE DICT_PY
DICT_PY defines T = {msgid: msgstr} and optionally CTX = {(msgctxt, msgid): msgstr}.
Entries already translated keep their text unless the dictionary has one.
"""
import runpy
import sys

import polib


def main(path, dictionary):
    names = runpy.run_path(dictionary)
    by_id, by_ctx = names['T'], names.get('CTX', {})
    po = polib.pofile(path)
    missing = []
    for entry in po:
        text = by_ctx.get((entry.msgctxt, entry.msgid), by_id.get(entry.msgid))
        if text:
            entry.msgstr = text
            if 'fuzzy' in entry.flags:
                entry.flags.remove('fuzzy')
        elif not entry.msgstr or 'fuzzy' in entry.flags:
            missing.append(entry)
    po.save(path)
    for entry in missing:
        print(f'untranslated: {entry.msgctxt} {entry.msgid!r}')
    print(f'{path}: {len(po)} entries, {len(missing)} untranslated')
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
