#!/usr/bin/env python3
"""Export the translation template (po) of a module from a database.

Developers run it after adding labels or messages; the entries without a
translation are listed, and the module's test fails until they are filled:
    .venv/bin/python scripts/export_translations.py -d quarantine quarantine
"""
import argparse
import os

import polib
from proteus import Model, Wizard, config

from trytond.pool import Pool
from trytond.transaction import Transaction


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default='trytond.conf')
    parser.add_argument('-l', '--language', default='zh_CN')
    parser.add_argument('module')
    args = parser.parse_args()
    # proteus takes the backend from TRYTOND_DATABASE_URI, not from the
    # TRYTOND_DATABASE__URI setting that trytond reads.
    os.environ.setdefault('TRYTOND_DATABASE_URI',
        os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://'))
    config.set_trytond(args.database, config_file=args.config)
    Wizard('ir.translation.set').execute('set_')
    update = Wizard('ir.translation.update')
    update.form.language, = Model.get('ir.lang').find(
        [('code', '=', args.language)])
    update.execute('update')
    with Transaction().start(args.database, 0, readonly=True):
        Translation = Pool().get('ir.translation')
        content = Translation.translation_export(args.language, args.module)
    path = f'addons/{args.module}/locale/{args.language}.po'
    exported = polib.pofile(content.decode('utf-8'))
    try:
        current = {(e.msgctxt, e.msgid): e for e in polib.pofile(path)}
    except OSError:
        current = {}
    missing = 0
    for entry in exported:
        known = current.get((entry.msgctxt, entry.msgid))
        if known and known.msgstr and 'fuzzy' not in known.flags:
            entry.msgstr = known.msgstr
            if 'fuzzy' in entry.flags:
                entry.flags.remove('fuzzy')
        if not entry.msgstr or 'fuzzy' in entry.flags:
            missing += 1
            print(f'untranslated: {entry.msgctxt} {entry.msgid!r}')
    exported.save(path)
    print(f'{path}: {len(exported)} entries, {missing} untranslated')


if __name__ == '__main__':
    main()
