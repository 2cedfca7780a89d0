#!/usr/bin/env python3
"""List the strings of Tryton's own modules (party, purchase, stock,
product...) that a quarantine role meets in the web client untranslated in
zh_CN, with the msgctxt of their override (see
addons/quarantine/tests/translations.py for what "meets" means).

    .venv/bin/python scripts/missing_translations.py -d quarantine

The database needs the project's modules activated and the language loaded
(`make db` does both).  With --write DICT_PY (a file defining
T = {msgid: msgstr} and optionally CTX = {(msgctxt, msgid): msgstr}) the
strings it translates are added to the overrides: addons/quarantine/locale/
override/zh_CN.po (ir, res, country, party) and addons/quarantine_supply/
locale/override/zh_CN.po (the others); then `trytond-admin -u quarantine
quarantine_supply` loads them.  Nothing is written to the database.
Exits 1 when strings are missing.
"""
import argparse
import runpy
import sys

from trytond import config
from trytond.pool import Pool
from trytond.transaction import Transaction


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default='trytond.conf')
    parser.add_argument('-l', '--language', default='zh_CN')
    parser.add_argument('--write', metavar='DICT_PY')
    args = parser.parse_args()
    config.update_etc(args.config)
    Pool(args.database).init()
    from trytond.modules.quarantine.tests.translations import (
        missing_translations, override_module, write_overrides)
    with Transaction().start(args.database, 0, readonly=False) as transaction:
        try:
            missing = missing_translations(args.language)
            if args.write:
                names = runpy.run_path(args.write)
                dictionary = dict(names['T'])
                dictionary.update(names.get('CTX', {}))
                missing = write_overrides(missing, args.language, dictionary)
        finally:
            # The scan creates a user to see what the roles see.
            transaction.rollback()
    for item in missing:
        print(f'{override_module(item.module)}\t{item.msgctxt}\t'
            f'{item.msgid!r}\t({item.where})')
    print(f'{len(missing)} untranslated', file=sys.stderr)
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
