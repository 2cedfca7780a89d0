"""Backup and restore on PostgreSQL: pg_dump of a database holding the demo
city, pg_restore into another, and trytond working on the copy as on the
original (README: "Deploying for a city or a province").

Runs in the PostgreSQL pass of scripts/test.sh (needs pg_dump, pg_restore
and psql of the server's version on the PATH).
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = [pytest.mark.long, pytest.mark.postgresql_only]

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TABLES = ['quarantine_site', 'quarantine_room', 'quarantine_stay',
    'quarantine_sample', 'party_party', 'quarantine_supply_contract',
    'quarantine_supply_plan_line', 'quarantine_stay__history']

# What trytond reads from a database: the figures of the site list and
# the lines of the stocking plan, through the ORM
READ = textwrap.dedent('''\
    import sys
    from proteus import Model, config
    config.set_trytond(sys.argv[1], config_file=sys.argv[2])
    sites = Model.get('quarantine.site').find([], order=[('code', 'ASC')])
    print('SITES', [(s.code, s.room_count, s.occupied_count,
                s.resident_count) for s in sites])
    plans = Model.get('quarantine.supply.plan').find([])
    print('PLANS', [(p.number, p.population, len(p.lines)) for p in plans])
    ''')


def psql(*args, database='postgres'):
    return subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres',
            '-d', database, '-tA', *args], check=True, text=True,
        capture_output=True).stdout


def counts(database):
    return {t: int(psql('-c', f'SELECT COUNT(*) FROM "{t}"',
                database=database)) for t in TABLES}


def test_dump_and_restore_demo_city(tmp_path):
    uri = os.environ['TRYTOND_DATABASE__URI']
    source = f'backup_src_{os.getpid()}'
    copy = f'backup_dst_{os.getpid()}'
    env = dict(os.environ, TRYTOND_DATABASE_URI=uri,
        TRYTONPASSFILE=str(tmp_path / 'pass'))
    (tmp_path / 'pass').write_text('admin\n')
    conf = tmp_path / 'trytond.conf'
    conf.write_text(f'[database]\nuri = {uri}\n')
    admin = [str(BIN / 'python'), '-O', str(BIN / 'trytond-admin'),
        '-c', str(conf), '-d', source]
    try:
        for name in [source, copy]:
            psql('-c', f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
        psql('-c', f"CREATE DATABASE {source} ENCODING 'UTF8'")
        subprocess.run(admin + ['--all', '--email', 'a@example.com'],
            check=True, env=env, capture_output=True)
        subprocess.run(admin + ['-u', 'quarantine_supply',
                'quarantine_transfer', '--activate-dependencies', '-l', 'zh_CN'],
            check=True, env=env, capture_output=True)
        subprocess.run([str(BIN / 'python'), '-O',
                str(REPO / 'scripts' / 'load_demo.py'), '-c', str(conf),
                '-d', source], check=True, env=env, capture_output=True)
        dump = tmp_path / 'city.dump'
        subprocess.run(['pg_dump', '-h', '127.0.0.1', '-U', 'postgres',
                '-Fc', '-f', str(dump), source], check=True)
        psql('-c', f"CREATE DATABASE {copy} ENCODING 'UTF8'")
        subprocess.run(['pg_restore', '-h', '127.0.0.1', '-U', 'postgres',
                '--no-owner', '-d', copy, str(dump)], check=True)

        before, after = counts(source), counts(copy)
        assert before == after
        assert before['quarantine_stay'] > 100
        assert before['quarantine_supply_plan_line'] > 0

        def read(database):
            return subprocess.run([str(BIN / 'python'), '-c', READ,
                    database, str(conf)], check=True, env=env,
                capture_output=True, text=True).stdout
        original = read(source)
        assert 'SITES' in original and 'PLANS' in original
        assert read(copy) == original
    finally:
        for name in [source, copy]:
            psql('-c', f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
