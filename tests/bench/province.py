#!/usr/bin/env python3
"""A province in PostgreSQL: the data of the province benchmarks (issue 9).

    python -O tests/bench/province.py [--database NAME] [--scale S]

builds (after dropping it) a database with quarantine, quarantine_transfer
and quarantine_supply activated and fills it with, at scale 1:

* 1 province, 16 cities, 160 districts (areas with populations);
* 4,000 sites (25 a district; 40 of them hold 1,000 rooms, the others 100;
  one small site in ten is on standby), 436,000 rooms;
* their staff, by the module's ratios, one site in seven without medical
  staff (94,000 persons);
* 400,000 stays over the last 90 days: the current residents (the big sites
  95 % full, the small ones 20 %) and those released or transferred
  before, each with its test calendar (days 1/4/7/10 and two exit
  specimens, by two institutions and reagents) and its results;
* two temperature readings a day for the current residents;
* the company, 66 products with ration norms, 13 supply contracts (each
  site served by the supermarket of its district) and a computed stocking
  plan for the biggest site of each city (through the
  ORM, as bench_supply_plan.py does for a city).

The bulk rows go in by COPY (the ORM would take hours) but are made the way
the modules make them: ids from the tables' sequences, the module's own
functions for the end dates (regime), identity facts and test calendars,
the same states, codes and create_uid/create_date.  tests/test_province.py
checks on a small province that the ORM reads and validates them as its
own.  Prints what it made and how long each step took.
"""
import argparse
import datetime as dt
import math
import os
import sys
import time
from collections import defaultdict
from contextlib import contextmanager

from stdnum.cn import ric

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_intake import create_database, drop_database  # noqa: E402

PG_URI = (os.environ.get('PG_URI')
    or os.environ.get('TRYTOND_DATABASE__URI', '').startswith('postgresql')
    and os.environ['TRYTOND_DATABASE__URI']
    or 'postgresql://postgres@127.0.0.1:5432/')
DATABASE = 'province'
MODULES = ['quarantine_supply', 'quarantine_transfer']
INSTITUTIONS = ["省疾控中心实验室", "金域医学检验所"]
REAGENTS = ["达安基因", "圣湘生物"]


class Shape:
    "How big the province is; scale 1 is issue 9's province"

    def __init__(self, cities=16, districts=10, sites_per_district=25,
            big_sites=40, big_rooms=1000, small_rooms=100, stays=400_000,
            history_days=90):
        self.cities = cities
        self.districts = districts
        self.sites_per_district = sites_per_district
        self.big_sites = big_sites
        self.big_rooms = big_rooms
        self.small_rooms = small_rooms
        self.stays = stays
        self.history_days = history_days

    @classmethod
    def scaled(cls, scale):
        "Fewer (or more) sites and stays; the same cities and districts"
        return cls(sites_per_district=max(1, round(25 * scale)),
            big_sites=max(1, round(40 * scale)),
            stays=max(1, round(400_000 * scale)))

    @property
    def site_count(self):
        return self.cities * self.districts * self.sites_per_district


def identity(i):
    """The i-th of distinct valid identity numbers (20,000 birth days x
    1,000), of a region python-stdnum knows (the arrival lists of
    bench_intake.py use another one)"""
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=i % 20000)
    body = f'110101{birth:%Y%m%d}{i // 20000:03d}'
    return body + ric.calc_check_digit(body + '0')


@contextmanager
def step(label, timings):
    start = time.perf_counter()
    print(f"  {label}...", end='', flush=True)
    yield
    elapsed = time.perf_counter() - start
    timings.append((label, elapsed))
    print(f" {elapsed:.1f} s", flush=True)


class Builder:
    "Fills the database over one psycopg connection, COPY by COPY"

    def __init__(self, connection, shape, regime, today):
        self.conn = connection
        self.shape = shape
        self.regime = regime
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(7, 0))
        self.counts = {}

    def ids(self, table, count):
        "Reserve `count` ids of the table's sequence, as the ORM takes them"
        with self.conn.cursor() as cursor:
            cursor.execute(f"SELECT nextval('{table}_id_seq')")
            first, = cursor.fetchone()
            cursor.execute(f"SELECT setval('{table}_id_seq', %s)",
                (first + count - 1,))
        return range(first, first + count)

    def copy(self, table, columns, rows):
        "COPY the rows (create_uid and create_date added) into the table"
        columns = list(columns) + ['create_uid', 'create_date']
        count = 0
        with self.conn.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) "
                    "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, 0, self.now))
                    count += 1
        self.counts[table] = self.counts.get(table, 0) + count
        return count

    def areas(self):
        shape = self.shape
        ids = iter(self.ids('quarantine_area',
                1 + shape.cities * (1 + shape.districts)))
        province = next(ids)
        rows = [(province, "示范省", 'P36', None, 0, 40)]
        self.districts = []
        for c in range(shape.cities):
            city = next(ids)
            rows.append((city, f"第{c + 1}市", f'P36C{c + 1:02d}', province,
                    0, 40))
            for d in range(shape.districts):
                district = next(ids)
                rows.append((district, f"第{c + 1}市第{d + 1}区",
                        f'P36C{c + 1:02d}D{d + 1:02d}', city, 400_000, 40))
                self.districts.append((district, city))
        self.copy('quarantine_area', ['id', 'name', 'code', 'parent',
                'population', 'reserve_rooms_per_10k'], rows)
        self.province = province

    def sites(self):
        shape = self.shape
        ids = iter(self.ids('quarantine_site', shape.site_count))
        rows, self.site_list = [], []
        number = bigs = 0
        for district, city in self.districts:
            for s in range(shape.sites_per_district):
                number += 1
                big = s == 0 and bigs < shape.big_sites
                bigs += big
                rooms = shape.big_rooms if big else shape.small_rooms
                state = ('standby' if not big and number % 10 == 0
                    else 'active')
                site = next(ids)
                self.site_list.append((site, city, rooms, state))
                rows.append((site, f"隔离点{number:04d}", f'S{number:04d}',
                        district, state, True,
                        self.now - dt.timedelta(days=120), "联络员",
                        f'0797{number:07d}'))
        self.copy('quarantine_site', ['id', 'name', 'code', 'area', 'state',
                'layout_compliant', 'activated_at', 'contact_name',
                'contact_phone'], rows)

    def warehouses(self):
        """Each site's warehouse, whose storage receives (as the module
        gives a site at creation), right of the stock locations' tree"""
        with self.conn.cursor() as cursor:
            cursor.execute('SELECT COALESCE(MAX("right"), 0) '
                'FROM stock_location')
            right, = cursor.fetchone()
        count = len(self.site_list)
        warehouses = self.ids('stock_location', count)
        storages = self.ids('stock_location', count)
        rows = []
        for i, ((site, _, _, _), warehouse, storage) in enumerate(
                zip(self.site_list, warehouses, storages)):
            left = right + 1 + 4 * i
            code = f'S{i + 1:04d}'
            rows.append((warehouse, f"隔离点{i + 1:04d}", code, 'warehouse',
                    True, False, left, left + 3, None, storage, storage,
                    storage))
            rows.append((storage, f"隔离点{i + 1:04d}", code, 'storage',
                    True, False, left + 1, left + 2, warehouse, None, None,
                    None))
        self.copy('stock_location', ['id', 'name', 'code', 'type', 'active',
                'flat_childs', '"left"', '"right"', 'parent',
                'input_location', 'output_location', 'storage_location'],
            rows)
        with self.conn.cursor() as cursor:
            cursor.execute('UPDATE quarantine_site s SET warehouse = w.id '
                'FROM (SELECT unnest(%s::int[]) AS site, '
                'unnest(%s::int[]) AS id) w WHERE w.site = s.id',
                ([s for s, _, _, _ in self.site_list], list(warehouses)))

    def rooms(self):
        total = sum(r for _, _, r, _ in self.site_list)
        ids = iter(self.ids('quarantine_room', total))
        self.site_rooms = {}

        def rows():
            for site, _, count, _ in self.site_list:
                rooms = self.site_rooms[site] = []
                for k in range(count):
                    room = next(ids)
                    floor, sequence = k // 20 + 1, k % 20 + 1
                    rooms.append(room)
                    yield (room, site, f'{floor}{sequence:02d}', str(floor),
                        sequence, 1, k % 50 == 0, 'available')
        self.copy('quarantine_room', ['id', 'site', 'name', 'floor',
                'sequence', 'capacity', 'accessible', 'state'], rows())

    def staff(self):
        """Staff by the default ratios; one site in seven has no medical
        staff"""
        plan = []
        for n, (site, _, rooms, state) in enumerate(self.site_list):
            residents = rooms * (95 if rooms == self.shape.big_rooms
                else 20) // 100
            medical = math.ceil(residents / 50) + 1
            others = max(medical * 3, math.ceil(rooms * 15 / 100))
            medical_roles = ['infection_control'] + ['medical'] * medical
            if n % 7 == 3:
                medical_roles = []  # short of staff
            roles = (['site_head'] + medical_roles
                + ['disinfection', 'security', 'logistics', 'cleaning',
                    'care', 'information'] * math.ceil(others / 6))
            plan.extend((site, role) for role in roles)
        parties = self.ids('party_party', len(plan))
        self.copy('party_party', ['id', 'name', 'code', 'code_alnum',
                'active'], ((p, f"工作人员{p}", f'ST{p}', f'ST{p}', True)
                for p in parties))
        staff_ids = self.ids('quarantine_staff', len(plan))
        self.copy('quarantine_staff', ['id', 'site', 'party', 'role',
                'certified', 'active'], ((i, site, p, role, True, True)
                for i, p, (site, role) in zip(staff_ids, parties, plan)))
        labs = self.ids('party_party', len(INSTITUTIONS))
        self.copy('party_party', ['id', 'name', 'code', 'code_alnum',
                'active'], ((p, name, f'LAB{p}', f'LAB{p}', True)
                for p, name in zip(labs, INSTITUTIONS)))
        self.labs = list(labs)

    def stays(self):
        """The current residents first (they fill the rooms), then the
        history of the last 90 days through the same rooms"""
        from trytond.modules.quarantine.sample import planned_samples
        from trytond.modules.quarantine.stay import (
            end_date_of, identity_facts, start_date_of)
        shape, regime, today = self.shape, self.regime, self.today
        # the key that signs the released residents' certificates, as
        # release records it (made when the module was activated)
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT key_id FROM quarantine_certificate_key "
                "WHERE active ORDER BY id DESC LIMIT 1")
            key_id, = cursor.fetchone()
        active = [s for s in self.site_list if s[3] == 'active']
        current = []
        for site, _, rooms, _ in active:
            rate = 95 if rooms == shape.big_rooms else 20
            usable = [r for k, r in enumerate(self.site_rooms[site])
                if k % 100 != 99]
            for k, room in enumerate(usable[:rooms * rate // 100]):
                current.append((site, room, k))
        if len(current) > shape.stays:
            current = current[:shape.stays]
        rooms = [(site, room) for site, *_ in active
            for k, room in enumerate(self.site_rooms[site])
            if k % 100 != 99]
        stay_ids = self.ids('quarantine_stay', shape.stays)
        party_ids = self.ids('party_party', shape.stays)
        self.occupied = [room for _, room, _ in current]
        self.current_stays = []
        stays, samples = [], []
        span = shape.history_days - regime.duration_days - 1
        for i, (stay_id, party_id) in enumerate(zip(stay_ids, party_ids)):
            number = identity(i)
            birth_date, sex = identity_facts(number)
            if i < len(current):
                site, room, k = current[i]
                arrival = today - dt.timedelta(
                    days=k % (regime.duration_days - 1))
            else:
                j = i - len(current)
                site, room = rooms[j % len(rooms)]
                arrival = today - dt.timedelta(
                    days=regime.duration_days + 1 + (j * 7919) % span)
            exposure = arrival - dt.timedelta(days=1)
            start = start_date_of(regime, exposure, arrival)
            end = end_date_of(regime, exposure, arrival)
            admitted_at = dt.datetime.combine(arrival, dt.time(15, 0))
            positive = False
            if i < len(current):
                state, release, left_at, certificate = (
                    'admitted', None, None, None)
                key = None
                self.current_stays.append((stay_id, arrival))
            elif i % 400 == 0:
                state, release, certificate = 'transferred', None, None
                key = None
                left_at = admitted_at + dt.timedelta(days=3)
                positive = True
            else:
                state, release, certificate = (
                    'released', end, f'P36-{stay_id:08d}')
                key = key_id
                left_at = dt.datetime.combine(end, dt.time(10, 0))
            stays.append((stay_id, party_id, number, birth_date, sex,
                    regime.id, 'close_contact' if i % 5 else
                    'secondary_contact', arrival, exposure, end, 0,
                    f'139{i:08d}', site, room, state, admitted_at,
                    admitted_at, 0, left_at, positive, positive, release,
                    certificate, key, False))
            calendar = list(planned_samples(
                    regime, start, end, arrival=arrival))
            if state == 'transferred':
                # positive on day 1, taken to hospital three days later
                day, planned, _ = calendar[0]
                samples.append((stay_id, day, planned, False,
                        dt.datetime.combine(planned, dt.time(8, 0)),
                        self.labs[0], REAGENTS[0], 'positive', False))
                continue
            for n, (day, planned, exit_) in enumerate(calendar):
                if planned < today:
                    lab = n % 2 if exit_ else i % 2
                    samples.append((stay_id, day, planned, exit_,
                            dt.datetime.combine(planned, dt.time(8, 0)),
                            self.labs[lab], REAGENTS[lab], 'negative',
                            False))
                else:
                    samples.append((stay_id, day, planned, exit_, None,
                            None, None, 'pending', False))
        self.copy('party_party', ['id', 'name', 'code', 'code_alnum',
                'active'], ((p, f"居民{p}", f'R{p}', f'R{p}', True)
                for p in party_ids))
        self.copy('party_identifier', ['party', 'type', 'code',
                'code_compact', 'active'],
            ((s[1], 'cn_ric', s[2], s[2], True) for s in stays))
        self.copy('quarantine_stay', ['id', 'person', 'identity_number',
                'birth_date', 'sex', 'regime', 'category', 'arrival_date',
                'exposure_date', 'end_date', 'home_days_served', 'phone',
                'site', 'room', 'state', 'admitted_at', 'verified_at',
                'verified_by', 'left_at', 'positive', 'health_flag',
                'release_date', 'certificate_number', 'certificate_key',
                'guardian_consent'],
            stays)
        self.copy('quarantine_sample', ['stay', 'day', 'planned_date',
                'exit_sample', 'collected_at', 'institution', 'reagent',
                'result', 'resampled'], samples)

    def occupy(self):
        with self.conn.cursor() as cursor:
            cursor.execute("UPDATE quarantine_room SET state = 'occupied' "
                "WHERE id = ANY(%s)", (self.occupied,))
            cursor.execute("UPDATE quarantine_room SET state = "
                "'out_of_service' WHERE id = ANY(%s)", ([
                        r for rooms in self.site_rooms.values()
                        for k, r in enumerate(rooms) if k % 100 == 99],))

    def readings(self):
        "Morning and afternoon temperatures, from arrival to this morning"
        def rows():
            for stay, arrival in self.current_stays:
                day = arrival
                while day <= self.today:
                    yield (stay, day, 'morning', '36.5', None)
                    if day < self.today:
                        yield (stay, day, 'afternoon', '36.6', None)
                    day += dt.timedelta(days=1)
        self.copy('quarantine_monitoring', ['stay', 'date', 'period',
                'temperature', 'symptoms'], rows())

    def analyze(self):
        self.conn.commit()
        autocommit = self.conn.autocommit
        self.conn.autocommit = True
        try:
            with self.conn.cursor() as cursor:
                for table in self.counts:
                    cursor.execute(f'VACUUM ANALYZE {table}')
        finally:
            self.conn.autocommit = autocommit


def supply(pool, sites, shape):
    """The company, products, norms and 13 contracts of bench_supply_plan,
    and a computed stocking plan for the biggest site of each city.

    Each site is served by the supermarket of its district, as each of
    Ruijin's supermarkets stocks for its own communities (R L2738-3080):
    in every city, district d is the supermarket d modulo 8's (the first
    two serve two districts; with fewer than 8 districts a city, those left
    without a site serve every site); the producers serve every site"""
    from bench_supply_plan import setup
    from trytond.transaction import Transaction
    with Transaction().start(pool.database_name, 0,
            context={'language': 'zh_CN'}) as tx:
        company, _, _, contracts = setup(pool)
        Contract = pool.get('quarantine.supply.contract')
        supermarkets = [c for c in Contract.browse([c for c, _ in contracts])
            if c.kind == 'supermarket']
        served = defaultdict(list)
        for index, (site, _, _, _) in enumerate(sites):
            district = index // shape.sites_per_district % shape.districts
            served[supermarkets[district % len(supermarkets)]].append(site)
        for contract, site_ids in served.items():
            Contract.write([contract], {'sites': [('add', site_ids)]})
        tx.commit()
    with Transaction().start(pool.database_name, 1, context={
                'language': 'zh_CN', 'company': company}) as tx:
        Plan = pool.get('quarantine.supply.plan')
        biggest = {}
        for site, city, rooms, state in sites:
            if state == 'active' and rooms > biggest.get(city, (0, 0))[1]:
                biggest[city] = (site, rooms)
        plans = Plan.create([{'scope': 'sites', 'sites': [('add', [site])],
                    'population_source': 'forecast', 'reserve_days': 15}
                for site, _ in biggest.values()])
        Plan.compute(plans)
        tx.commit()
        return len(plans)


def build(database=DATABASE, shape=None, template=None):
    """Create the database (a copy of `template` when given: a database
    with the modules activated and nothing else) and fill it"""
    import psycopg
    shape = shape or Shape()
    os.environ['TRYTOND_DATABASE__URI'] = PG_URI
    timings = []
    print(f"Province in {database}: {shape.site_count} sites, "
        f"{shape.stays} stays", flush=True)
    with step("create the database, activate the modules", timings):
        if template:
            drop_database(database)
            with psycopg.connect(PG_URI + 'postgres',
                    autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{database}" '
                    f'TEMPLATE "{template}"')
        else:
            create_database(database, MODULES)

    builder = fill(database, shape, timings)
    print(f"  total {sum(t for _, t in timings):.0f} s")
    return builder


def fill(database, shape, timings=None):
    """Fill the database, where the modules are activated, with the
    province of `shape`; return the builder (what it made)"""
    import psycopg
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    timings = [] if timings is None else timings
    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0) as tx:
        Regime = pool.get('quarantine.regime')
        regime, = Regime.search([('code', '=', 'centralized_14')])
        Date = pool.get('ir.date')
        today = Date.today()
        # the regime's values, outside of the transaction
        regime = type('Regime', (), {n: getattr(regime, n) for n in [
                    'id', 'duration_days', 'count_from',
                    'exit_dual_sampling', 'test_day_list']})
        tx.rollback()

    with psycopg.connect(PG_URI + database) as connection:
        builder = Builder(connection, shape, regime, today)
        with step("areas and sites", timings):
            builder.areas()
            builder.sites()
            builder.warehouses()
        with step("rooms", timings):
            builder.rooms()
        with step("staff", timings):
            builder.staff()
        with step("residents, stays and test calendars", timings):
            builder.stays()
        with step("room states and readings", timings):
            builder.occupy()
            builder.readings()
        connection.commit()
        with step("vacuum analyze", timings):
            builder.analyze()
    with step("supply contracts and stocking plans (ORM)", timings):
        plans = supply(pool, builder.site_list, shape)
    print()
    for table, count in sorted(builder.counts.items()):
        print(f"  {table:32} {count:>10,} rows")
    print(f"  {'stocking plans':32} {plans:>10,}")
    builder.plans = plans
    return builder


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default=DATABASE)
    parser.add_argument('--scale', type=float, default=1.0,
        help="fraction of issue 9's 4,000 sites and 400,000 stays")
    parser.add_argument('--template',
        help="copy this database (modules activated, no data) instead of "
        "activating the modules again")
    args = parser.parse_args()
    build(args.database, Shape.scaled(args.scale), args.template)


if __name__ == '__main__':
    main()
