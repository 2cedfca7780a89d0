#!/usr/bin/env python3
"""Batch intake of 10,000 arrivals on PostgreSQL: Excel import + allocation.

Prints the time of each step, the number of SQL queries, and the ratio to a
raw-SQL insert of the same residents (parties, identity numbers, stays) and
a raw-SQL room assignment in the same run.  Run with python -O, as the
server runs.  Needs PostgreSQL on 127.0.0.1:5432 (PG_URI to change it).
"""
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

# tests/: the arrival list the long tests import too
sys.path.insert(0, os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..'))

from sheets import arrival_sheet  # noqa: E402

ARRIVALS = int(os.environ.get('BENCH_ARRIVALS', 10000))
ROOMS = ARRIVALS + ARRIVALS // 20
DATABASE = 'bench_intake'
PG_URI = os.environ.get('PG_URI', 'postgresql://postgres@127.0.0.1:5432/')
REPO = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def arrival_list():
    "The arrival list of the benchmark: ARRIVALS residents exposed 2 days ago"
    data, _ = arrival_sheet(ARRIVALS, dt.date.today() - dt.timedelta(days=2))
    return data


def create_database(database=DATABASE, module='quarantine'):
    "A new PostgreSQL database with module (a name or a list) activated"
    modules = [module] if isinstance(module, str) else list(module)
    env = dict(os.environ, TRYTOND_DATABASE__URI=PG_URI)
    drop_database(database)
    subprocess.run(['psql', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-c',
            f'CREATE DATABASE {database} ENCODING \'UTF8\''], check=True)
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write('admin\n')
        passfile.flush()
        env['TRYTONPASSFILE'] = passfile.name
        admin = [sys.executable, '-O', os.path.join(BIN, 'trytond-admin'),
            '-c', os.path.join(REPO, 'trytond.conf'), '-d', database]
        subprocess.run(admin + ['--all', '--email', 'admin@example.com'],
            check=True, env=env, capture_output=True)
        subprocess.run(admin + ['-u', *modules, '--activate-dependencies'],
            check=True, env=env, capture_output=True)


@contextmanager
def profiled(label):
    "With BENCH_PROFILE=1, print where the time of the block goes"
    if not os.environ.get('BENCH_PROFILE'):
        yield
        return
    import cProfile
    import pstats
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        print(f"--- profile: {label}")
        pstats.Stats(profile).sort_stats('cumulative').print_stats(25)


class QueryCounter:
    "Count the statements sent on the transaction's connection"

    def __init__(self):
        self.count = 0

    @contextmanager
    def counting(self, connection):
        original = connection.cursor

        counter = self

        def cursor(*args, **kwargs):
            real = original(*args, **kwargs)

            class Counting:
                def __getattr__(self, name):
                    return getattr(real, name)

                def __iter__(self):
                    return iter(real)

                def execute(self, *a, **k):
                    counter.count += 1
                    return real.execute(*a, **k)

                def executemany(self, query, params, *a, **k):
                    params = list(params)
                    counter.count += 1
                    return real.executemany(query, params, *a, **k)
            return Counting()
        connection.cursor = cursor
        try:
            yield self
        finally:
            connection.cursor = original


def main():
    os.environ['TRYTOND_DATABASE__URI'] = PG_URI
    print(f"Setting up {DATABASE} ({ARRIVALS} arrivals, {ROOMS} rooms)...",
        flush=True)
    create_database()
    data = arrival_list()

    from trytond.modules.quarantine.arrival_import import read_arrivals
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(DATABASE)
    pool.init()
    results = []

    with Transaction().start(DATABASE, 1, context={'language': 'en'}) as tx:
        Site = pool.get('quarantine.site')
        Room = pool.get('quarantine.room')
        Regime = pool.get('quarantine.regime')
        Stay = pool.get('quarantine.stay')
        site, = Site.create([{'name': "Bench", 'code': 'BENCH'}])
        per_floor = 50
        Room.create([{'site': site.id, 'floor': str(i // per_floor + 1),
                    'sequence': i % per_floor + 1,
                    'name': f'{i // per_floor + 1}-{i % per_floor + 1:02d}'}
                for i in range(ROOMS)])
        Site.write([site], {'state': 'active'})
        regime, = Regime.search([('code', '=', 'centralized_14')])
        tx.commit()
        # The baseline first, rolled back, on the same empty rooms
        baseline, _, _, _ = read_arrivals(data, dt.date.today())
        raw_total = raw_sql_baseline(baseline, site.id, regime.id)

        counter = QueryCounter()
        with counter.counting(tx.connection):
            start = time.perf_counter()
            arrivals, errors, _, _ = read_arrivals(data, dt.date.today())
            assert not errors, errors[:3]
            read_time = time.perf_counter() - start
            queries = counter.count

            start = time.perf_counter()
            with profiled('import'):
                stays = Stay.import_arrivals(
                    arrivals, regime, dt.date.today(), site)
            import_time = time.perf_counter() - start
            import_queries = counter.count - queries

            start = time.perf_counter()
            with profiled('allocate'):
                Stay.allocate(stays, site)
            allocate_time = time.perf_counter() - start
            allocate_queries = counter.count - queries - import_queries
        start = time.perf_counter()
        with profiled('commit'):
            tx.commit()
        commit_time = time.perf_counter() - start
        assert Stay.search_count([('state', '=', 'admitted')]) == ARRIVALS
        results += [
            ("read and check the xlsx", read_time, 0),
            ("create parties and stays", import_time, import_queries),
            ("allocate and admit", allocate_time, allocate_queries),
            ("commit", commit_time, 1),
            ]
        documents = documents_benchmark(pool, tx, site)

    orm_total = read_time + import_time + allocate_time + commit_time
    print()
    print(f"{'step':40} {'seconds':>9} {'statements':>11}")
    for label, seconds, queries in results:
        print(f"{label:40} {seconds:9.2f} {queries:11d}")
    print(f"{'total (trytond)':40} {orm_total:9.2f}")
    print(f"{'raw SQL: same rows, rooms, tests':40} {raw_total:9.2f}")
    print("(an executemany counts as one statement; psycopg pipelines it)")
    print(f"ratio trytond / raw SQL: {orm_total / raw_total:.1f}x with the "
        f"xlsx reading, {(orm_total - read_time) / raw_total:.1f}x for the "
        f"database work alone ({ARRIVALS} arrivals)")
    print()
    for label, seconds, baseline in documents:
        ratio = f"  ({seconds / baseline:.1f}x {label.split(':')[0]} "\
            f"drawing alone)" if baseline else ''
        print(f"{label:52} {seconds:7.2f} s{ratio}")


def documents_benchmark(pool, tx, site):
    """The day's sampling roster of the site, 1,000 admission notices and
    1,000 release certificates, through trytond (data gathering + drawing), against the
    drawing alone of the same documents"""
    from reports.certificate import render_certificates
    from reports.papers import render_papers
    from reports.roster import render_roster
    from trytond.modules.quarantine.papers import Texts
    Stay = pool.get('quarantine.stay')
    Roster = pool.get('quarantine.site.sampling_roster', type='report')
    Certificate = pool.get(
        'quarantine.stay.release_certificate', type='report')
    Notice = pool.get('quarantine.stay.admission_notice', type='report')
    day_one = dt.date.today() - dt.timedelta(days=2)
    cursor = tx.connection.cursor()
    results = []

    start = time.perf_counter()
    with profiled('roster'):
        Roster.execute([site.id], {'date': day_one})
    roster_time = time.perf_counter() - start
    roster = Roster.roster(site, day_one)
    start = time.perf_counter()
    render_roster(roster)
    draw_time = time.perf_counter() - start
    rows = sum(len(g['rows']) for g in roster['groups'])
    results.append((f"roster: {rows} rows of one day", roster_time,
            draw_time))

    # the admission notices of 1,000 residents just admitted
    stays = Stay.search([('state', '=', 'admitted')], limit=1000,
        order=[('id', 'ASC')])
    ids = [s.id for s in stays]
    start = time.perf_counter()
    _, content, _, _ = Notice.execute(ids, {})
    notice_time = time.perf_counter() - start
    tests = Notice.tests(stays)
    texts = Texts()
    with tx.set_context(language='zh_CN'):
        data = [Notice.paper(s, tests[s.id], texts)
            for s in Stay.browse(ids)]
    start = time.perf_counter()
    render_papers(data)
    draw_time = time.perf_counter() - start
    results.append((f"admission notices: {len(ids)} in one PDF "
            f"({len(content) // 1024} kB)", notice_time, draw_time))

    # 1,000 residents released (results and release written in SQL: the
    # benchmark is the printing)
    cursor.execute("INSERT INTO party_party (name, code, active) VALUES "
        "('Lab A', 'LABA', true), ('Lab B', 'LABB', true) RETURNING id")
    lab_a, lab_b = [r for r, in cursor]
    cursor.execute("UPDATE quarantine_sample SET result = 'negative', "
        "institution = CASE WHEN id %% 2 = 0 THEN %s ELSE %s END, "
        "reagent = CASE WHEN id %% 2 = 0 THEN 'A' ELSE 'B' END "
        "WHERE stay = ANY(%s)", (lab_a, lab_b, ids))
    # what release records: the key that signs the codes (made at install)
    CertificateKey = pool.get('quarantine.certificate.key')
    cursor.execute("UPDATE quarantine_stay SET state = 'released', "
        "release_date = end_date, certificate_number = 'B' || id, "
        "certificate_key = %s "
        "WHERE id = ANY(%s)", (CertificateKey.current(), ids))
    tx.commit()
    start = time.perf_counter()
    _, content, _, _ = Certificate.execute(ids, {})
    certificate_time = time.perf_counter() - start
    data = [Certificate.certificate(s) for s in Stay.browse(ids)]
    start = time.perf_counter()
    render_certificates(data)
    draw_time = time.perf_counter() - start
    results.append((f"certificates: {len(ids)} in one PDF "
            f"({len(content) // 1024} kB)", certificate_time, draw_time))
    return results


def raw_sql_baseline(arrivals, site_id, regime_id, database=DATABASE):
    """Insert the same residents, give them rooms and plan their tests with
    plain SQL in one transaction, rolled back: the floor of what the
    database costs"""
    import psycopg
    today = dt.date.today()
    with psycopg.connect(PG_URI + database) as conn:
        start = time.perf_counter()
        with conn.cursor() as cursor:
            cursor.execute("SELECT id FROM quarantine_room WHERE site = %s "
                "AND state = 'available' ORDER BY floor, sequence "
                "LIMIT %s", (site_id, len(arrivals)))
            rooms = [r for r, in cursor]
            cursor.execute("SELECT nextval('party_party_id_seq') FROM "
                "generate_series(1, %s)", (len(arrivals),))
            party_ids = [r for r, in cursor]
            cursor.executemany("INSERT INTO party_party (id, name, code, "
                "active, create_uid, create_date) VALUES "
                "(%s, %s, %s, true, 1, now())",
                [(p, a.name, f'B{p}') for p, a in zip(party_ids, arrivals)])
            cursor.executemany("INSERT INTO party_identifier (party, type, "
                "code, code_compact, create_uid, create_date) "
                "VALUES (%s, 'cn_ric', %s, %s, 1, now())",
                [(p, a.identity_number, a.identity_number)
                    for p, a in zip(party_ids, arrivals)])
            cursor.executemany("INSERT INTO quarantine_stay (person, "
                "identity_number, regime, category, arrival_date, "
                "exposure_date, site, room, state, create_uid, create_date)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'admitted', 1, "
                "now())",
                [(p, a.identity_number, regime_id, a.category, today,
                        a.exposure_date, site_id, room)
                    for p, a, room in zip(party_ids, arrivals, rooms)])
            cursor.execute("UPDATE quarantine_room SET state = 'occupied' "
                "WHERE id = ANY(%s)", (rooms,))
            # the test calendar: days 1, 4, 7, 10 and two exit specimens
            cursor.execute("SELECT id FROM quarantine_stay WHERE room = "
                "ANY(%s)", (rooms,))
            stay_ids = [r for r, in cursor]
            day_one = today - dt.timedelta(days=2)
            cursor.executemany("INSERT INTO quarantine_sample (stay, day, "
                "planned_date, exit_sample, result, create_uid, create_date)"
                " VALUES (%s, %s, %s, %s, 'pending', 1, now())",
                [(s, day, day_one + dt.timedelta(days=day - 1), day == 14)
                    for s in stay_ids for day in (1, 4, 7, 10, 14, 14)])
        elapsed = time.perf_counter() - start
        conn.rollback()
    return elapsed


def drop_database(database=DATABASE):
    subprocess.run(['psql', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-c',
            f'DROP DATABASE IF EXISTS {database} WITH (FORCE)'], check=True)


if __name__ == '__main__':
    try:
        main()
    finally:
        drop_database()
