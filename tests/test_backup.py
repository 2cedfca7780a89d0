"""Backup and restore on PostgreSQL: pg_dump of a database holding the demo
city, pg_restore into another, and trytond working on the copy as on the
original (README: "Deploying for a city or a province").

Runs in the PostgreSQL pass of scripts/test.sh (needs pg_dump, pg_restore
and psql of the server's version on the PATH).
"""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rpc_harness

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
    """The demo city loaded into a database set up as `make run` sets it up
    (trytond-admin: all modules, zh_CN; the long tests' shared template)
    survives pg_dump and pg_restore: same rows, same figures read by
    trytond"""
    copy = rpc_harness.unique_name('backup_dst')
    conf = rpc_harness.write_config(tmp_path / 'trytond.conf')
    env = rpc_harness.environment(
        TRYTOND_DATABASE_URI=rpc_harness.pg_uri())
    with rpc_harness.fresh_database(
            rpc_harness.ALL_MODULES, 'zh_CN') as database:
        source = database.name
        try:
            subprocess.run([str(BIN / 'python'), '-O',
                    str(REPO / 'scripts' / 'load_demo.py'), '-c', str(conf),
                    '-d', source], check=True, env=env, capture_output=True)
            dump = tmp_path / 'city.dump'
            subprocess.run(['pg_dump', '-h', '127.0.0.1', '-U', 'postgres',
                    '-Fc', '-f', str(dump), source], check=True)
            psql('-c', f"CREATE DATABASE {copy} ENCODING 'UTF8'")
            subprocess.run(['pg_restore', '-h', '127.0.0.1', '-U',
                    'postgres', '--no-owner', '-d', copy, str(dump)],
                check=True)

            before, after = counts(source), counts(copy)
            assert before == after
            assert before['quarantine_stay'] > 100
            assert before['quarantine_supply_plan_line'] > 0

            def read(name):
                return subprocess.run([str(BIN / 'python'), '-c', READ,
                        name, str(conf)], check=True, env=env,
                    capture_output=True, text=True).stdout
            original = read(source)
            assert 'SITES' in original and 'PLANS' in original
            assert read(copy) == original
        finally:
            psql('-c', f'DROP DATABASE IF EXISTS {copy} WITH (FORCE)')
