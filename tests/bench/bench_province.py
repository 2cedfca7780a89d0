#!/usr/bin/env python3
"""The province benchmarks of issue 9, on the province of province.py.

For each piece of work a user asks of the server, prints the time through
trytond (as the RPC runs it, python -O), the number of SQL statements, the
time of the same work in raw SQL (psycopg, same database, same run) and
the ratio, next to the issue's goal.  Nothing is asserted about the clock.

    python -O tests/bench/bench_province.py

builds the province first (about 10 minutes on 2 cores) unless
BENCH_PROVINCE_DB names one already built (with province.py), which it
then leaves in place; BENCH_SCALE builds a smaller one.
"""
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_intake import (  # noqa: E402
    QueryCounter, arrival_list, drop_database, profiled, raw_sql_baseline)
from province import PG_URI, Shape, build  # noqa: E402

DATABASE = 'bench_province'
ARRIVALS = 10000
CERTIFICATES = 1000
# what the site list (view/site_list.xml) asks of each site
SITE_FIELDS = ['code', 'name', 'area.rec_name', 'room_count',
    'available_count', 'occupied_count', 'cleaning_count',
    'out_of_service_count', 'occupancy', 'resident_count',
    'medical_staff_count', 'medical_staff_required', 'staff_short',
    'expansion_alert', 'drill_lagging', 'activation_started_at', 'state']
AREA_FIELDS = ['name', 'parent.rec_name', 'population', 'reserve_required',
    'reserve_rooms', 'reserve_shortfall']

# The same figures in one SQL statement: rooms by state, residents and
# medical staff per site, for one page of the list
SITE_SQL = """
    SELECT s.id, s.code, s.name, a.name, s.state, s.activation_started_at,
        r.rooms, r.available, r.occupied, r.cleaning, r.out_of_service,
        COALESCE(st.residents, 0), COALESCE(sf.medical, 0),
        COALESCE(sf.staff, 0)
    FROM quarantine_site s
    LEFT JOIN quarantine_area a ON a.id = s.area
    LEFT JOIN (SELECT site, COUNT(*) AS rooms,
            COUNT(*) FILTER (WHERE state = 'available') AS available,
            COUNT(*) FILTER (WHERE state = 'occupied') AS occupied,
            COUNT(*) FILTER (WHERE state = 'cleaning') AS cleaning,
            COUNT(*) FILTER (WHERE state = 'out_of_service')
                AS out_of_service
        FROM quarantine_room GROUP BY site) r ON r.site = s.id
    LEFT JOIN (SELECT site, COUNT(*) AS residents FROM quarantine_stay
        WHERE state = 'admitted' GROUP BY site) st ON st.site = s.id
    LEFT JOIN (SELECT site, COUNT(*) AS staff, COUNT(*) FILTER (
                WHERE role IN ('medical', 'infection_control')) AS medical
        FROM quarantine_staff WHERE active GROUP BY site) sf
        ON sf.site = s.id
    WHERE s.id = ANY(%s)
    """
# The rooms of the areas of a city (the reserve figures are their sums up
# the tree)
AREA_SQL = """
    WITH RECURSIVE city(id) AS (
        SELECT id FROM quarantine_area WHERE id = %(city)s
        UNION ALL
        SELECT a.id FROM quarantine_area a JOIN city c ON a.parent = c.id)
    SELECT s.area, COUNT(r.id) FROM quarantine_room r
    JOIN quarantine_site s ON s.id = r.site
    WHERE s.area IN (SELECT id FROM city) AND s.state != 'closed'
    GROUP BY s.area
    """


class Bench:

    def __init__(self, pool, transaction, database):
        import psycopg
        self.pool = pool
        self.transaction = transaction
        self.raw = psycopg.connect(PG_URI + database)
        self.rows = []

    def measure(self, label, goal, orm, raw, setup=None):
        """Run orm() counting its statements, then raw(); keep the times.
        Each is run once before, so that both read warm caches; setup(),
        not timed, prepares the transaction before each orm()"""
        if setup:
            setup()
        orm()
        raw()
        self.transaction.rollback()
        if setup:
            setup()
        counter = QueryCounter()
        with counter.counting(self.transaction.connection):
            start = time.perf_counter()
            with profiled(label):
                result = orm()
            orm_time = time.perf_counter() - start
        start = time.perf_counter()
        raw()
        raw_time = time.perf_counter() - start
        self.rows.append((label, goal, orm_time, counter.count, raw_time))
        print(f"  {label}: {orm_time:.3f} s, {counter.count} statements "
            f"(raw SQL {raw_time:.3f} s)", flush=True)
        return result

    def sql(self, query, params=()):
        with self.raw.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    def print_table(self):
        print()
        print(f"{'work':46} {'goal':>6} {'trytond':>9} {'stmts':>6} "
            f"{'raw SQL':>9} {'ratio':>7}")
        for label, goal, orm, count, raw in self.rows:
            ratio = f"{orm / raw:6.1f}x" if raw else '      -'
            goal = f"{goal:g} s" if goal else ''
            print(f"{label:46} {goal:>6} {orm:8.3f}s {count:6d} "
                f"{raw:8.3f}s {ratio}")
        print("(statements: those trytond sent; an executemany counts as "
            "one. raw SQL: psycopg, the same rows, same run)")


def site_list(bench, Site, page):
    ids = [s.id for s in Site.search([], limit=page)]
    bench.measure(f"site list: {len(ids)} sites with their figures", 1,
        lambda: Site.search_read([], 0, page, None, SITE_FIELDS),
        lambda: bench.sql(SITE_SQL + " ORDER BY s.name, s.id", (ids,)))


def free_rooms(bench, Room, site):
    domain = [('site', '=', site), ('state', '=', 'available')]
    bench.measure("free-room search in a 1,000-room site", 0.2,
        lambda: Room.search_read(domain, 0, 1000, None,
            ['rec_name', 'floor', 'sequence', 'accessible']),
        lambda: bench.sql("SELECT id, name, floor, sequence, accessible "
            "FROM quarantine_room WHERE site = %s AND state = 'available' "
            "ORDER BY building, floor, sequence, name, id LIMIT 1000",
            (site,)))
    # the first page of a site's rooms, of all states
    bench.measure("room list of a 1,000-room site", 1,
        lambda: Room.search_read([('site', '=', site)], 0, 1000, None,
            ['rec_name', 'floor', 'sequence', 'state', 'accessible']),
        lambda: bench.sql("SELECT id, name, floor, sequence, state, "
            "accessible FROM quarantine_room WHERE site = %s "
            "ORDER BY building, floor, sequence, name, id LIMIT 1000",
            (site,)))


def roster(bench, pool, site, today):
    from reports.roster import render_roster
    Roster = pool.get('quarantine.site.sampling_roster', type='report')
    Site = pool.get('quarantine.site')
    data = Roster.roster(Site(site), today)
    rows = sum(len(g['rows']) for g in data['groups'])

    def raw():
        bench.sql("SELECT r.building, r.floor, r.sequence, r.name, p.name, "
            "st.identity_number, s.day, s.exit_sample, s.id "
            "FROM quarantine_sample s JOIN quarantine_stay st "
            "ON st.id = s.stay JOIN quarantine_room r ON r.id = st.room "
            "JOIN party_party p ON p.id = st.person WHERE st.site = %s "
            "AND st.state = 'admitted' AND s.planned_date = %s "
            "AND s.result = 'pending'", (site, today))
        bench.sql("SELECT p.name, f.role FROM quarantine_staff f "
            "JOIN party_party p ON p.id = f.party WHERE f.site = %s",
            (site,))
        render_roster(data)
    bench.measure(f"daily roster PDF of a 1,000-room site ({rows} rows)",
        1, lambda: Roster.execute([site], {'date': today}), raw)


def area_dashboard(bench, pool, city):
    "What the administrator's board of a city reads"
    Area = pool.get('quarantine.area')
    Site = pool.get('quarantine.site')
    alerts = ['OR', ('expansion_alert', '=', True),
        ('staff_short', '=', True)]

    def orm():
        Area.search_read([('parent', 'child_of', [city])], 0, None, None,
            AREA_FIELDS)
        Site.search_read([('area', 'child_of', [city], 'parent'),
                ('state', '=', 'active')], 0, 1000, None, SITE_FIELDS)
        Site.search_count([('area', 'child_of', [city], 'parent')] + [alerts])
    site_ids = [s.id for s in Site.search([('area', 'child_of', [city], 'parent'),
                ('state', '=', 'active')])]

    def raw():
        bench.sql(AREA_SQL, {'city': city})
        rows = bench.sql(SITE_SQL, (site_ids,))
        # the alert filter over the same figures
        sum(1 for r in rows if r[6] and r[8] / r[6] >= 0.9
            or r[12] * 50 < r[11])
    bench.measure(f"area dashboard of a city ({len(site_ids)} sites)", 1,
        orm, raw)


def intake(bench, pool, transaction, regime):
    """10,000 arrivals into a new site: reading the list, creating the
    residents and stays, allocating the rooms and admitting (no commit)"""
    from trytond.modules.quarantine.arrival_import import read_arrivals
    Site = pool.get('quarantine.site')
    Room = pool.get('quarantine.room')
    Stay = pool.get('quarantine.stay')
    today = dt.date.today()
    data = arrival_list()
    site, = Site.create([{'name': "方舱",
                'code': f'FC{time.time():.0f}'}])
    Room.create([{'site': site.id, 'floor': str(i // 50 + 1),
                'sequence': i % 50 + 1,
                'name': f'F{i // 50 + 1}-{i % 50 + 1:02d}'}
            for i in range(ARRIVALS + ARRIVALS // 20)])
    Site.write([site], {'state': 'active'})
    transaction.commit()
    arrivals, errors, _, _ = read_arrivals(data, today)
    assert not errors, errors[:3]
    raw_time = raw_sql_baseline(arrivals, site.id, regime.id,
        pool.database_name)
    counter = QueryCounter()
    with counter.counting(transaction.connection):
        start = time.perf_counter()
        with profiled('intake'):
            arrivals, _, _, _ = read_arrivals(data, today)
            stays = Stay.import_arrivals(arrivals, regime, today, site)
            Stay.allocate(stays, site)
        orm_time = time.perf_counter() - start
    # both rolled back (the raw SQL too): a province kept for another run
    # keeps its free rooms and has none of these residents
    transaction.rollback()
    bench.rows.append((f"batch intake of {ARRIVALS:,} arrivals (xlsx)", 10,
            orm_time, counter.count, raw_time))
    # and the new site goes, for the next run on a kept province
    cursor = transaction.connection.cursor()
    cursor.execute('DELETE FROM quarantine_room WHERE site = %s', (site.id,))
    cursor.execute('DELETE FROM quarantine_site WHERE id = %s', (site.id,))
    transaction.commit()
    print(f"  intake: {orm_time:.2f} s (raw SQL {raw_time:.2f} s)",
        flush=True)


def certificates(bench, pool):
    from reports.certificate import render_certificates
    from trytond.transaction import Transaction
    Stay = pool.get('quarantine.stay')
    Certificate = pool.get(
        'quarantine.stay.release_certificate', type='report')
    CertificateKey = pool.get('quarantine.certificate.key')
    ids = [s.id for s in Stay.search([('state', '=', 'released')],
            limit=CERTIFICATES, order=[('id', 'DESC')])]
    # what release records: the key that signs the codes (made at install;
    # the generator writes released stays without it)
    with Transaction().new_transaction() as signing:
        signing.connection.cursor().execute(
            "UPDATE quarantine_stay SET certificate_key = %s "
            "WHERE id = ANY(%s)", (CertificateKey.current(), ids))
        signing.commit()
    bench.transaction.rollback()  # a new snapshot, which sees the keys
    data = [Certificate.certificate(s) for s in Stay.browse(ids)]

    def raw():
        bench.sql("SELECT st.id, st.certificate_number, p.name, "
            "st.identity_number, st.sex, st.birth_date, s.name, r.name, "
            "st.exposure_date, st.arrival_date, st.end_date, "
            "st.release_date FROM quarantine_stay st "
            "JOIN party_party p ON p.id = st.person "
            "JOIN quarantine_site s ON s.id = st.site "
            "JOIN quarantine_room r ON r.id = st.room WHERE st.id = ANY(%s)",
            (ids,))
        bench.sql("SELECT s.stay, s.planned_date, s.day, s.exit_sample, "
            "s.result, p.name, s.reagent FROM quarantine_sample s "
            "LEFT JOIN party_party p ON p.id = s.institution "
            "WHERE s.stay = ANY(%s) AND s.result != 'pending' "
            "ORDER BY s.stay, s.planned_date", (ids,))
        render_certificates(data)
    bench.measure(f"{len(ids):,} release certificates, one PDF", 60,
        lambda: Certificate.execute(ids, {}), raw)


# What a city-wide plan reads: the stays of the city's sites (the forecast),
# the stock of the norms' products in their warehouses, the contracts' lines
CITY_STAYS_SQL = """
    WITH RECURSIVE city(id) AS (
        SELECT id FROM quarantine_area WHERE id = %(city)s
        UNION ALL
        SELECT a.id FROM quarantine_area a JOIN city c ON a.parent = c.id)
    SELECT st.site, st.state, st.arrival_date, st.end_date
    FROM quarantine_stay st JOIN quarantine_site s ON s.id = st.site
    WHERE s.area IN (SELECT id FROM city) AND s.state != 'closed'
        AND (st.state = 'admitted' OR (st.state = 'draft'
            AND st.arrival_date < %(end)s))
    """
CITY_WAREHOUSES_SQL = """
    WITH RECURSIVE city(id) AS (
        SELECT id FROM quarantine_area WHERE id = %(city)s
        UNION ALL
        SELECT a.id FROM quarantine_area a JOIN city c ON a.parent = c.id)
    SELECT s.id, s.warehouse FROM quarantine_site s
    WHERE s.area IN (SELECT id FROM city) AND s.state != 'closed'
    """
STOCK_SQL = """
    SELECT l.id, m.product, SUM(CASE WHEN m.to_location = l.id
        THEN m.quantity ELSE -m.quantity END)
    FROM stock_location l JOIN stock_move m
        ON m.to_location = l.id OR m.from_location = l.id
    WHERE l.parent = ANY(%s) AND m.product = ANY(%s)
        AND m.state IN ('done', 'assigned', 'draft')
    GROUP BY l.id, m.product
    """
OFFERS_SQL = """
    SELECT l.contract, l.product, COALESCE(p.population, 0)
    FROM quarantine_supply_contract_line l
    JOIN quarantine_supply_contract c ON c.id = l.contract
    LEFT JOIN (SELECT contract, SUM(population) AS population
        FROM quarantine_supply_contract_community GROUP BY contract) p
        ON p.contract = c.id
    WHERE c.state = 'active'
    """


def raw_city_plans(bench, cities, days, lines_per_city, every_site=False):
    """The city plans' work in raw SQL: read the stays, warehouses, stock
    and offers, forecast the person-days of each site in Python, write the
    plans and as many lines as trytond wrote (a share by population of
    each product's need among the carriers covering the site, or among all
    of them when every_site), rolled back"""
    today = dt.date.today()
    end = today + dt.timedelta(days=days)
    with bench.raw.cursor() as cursor:
        cursor.execute("SELECT product, quantity FROM quarantine_supply_norm "
            "WHERE active")
        norms = cursor.fetchall()
        cursor.execute(OFFERS_SQL)
        carriers = {}
        for contract, product, population in cursor.fetchall():
            carriers.setdefault(product, []).append((contract, population))
        cursor.execute('SELECT contract, site '
            'FROM "quarantine_supply_contract-quarantine_site"')
        contract_sites = {}
        for contract, site in cursor.fetchall():
            contract_sites.setdefault(contract, set()).add(site)
        if every_site:
            contract_sites = {}
        for city in cities:
            cursor.execute(CITY_STAYS_SQL, {'city': city, 'end': end})
            person_days = {}
            for site, state, arrival, end_date in cursor.fetchall():
                first = max(arrival, today) if state == 'draft' else today
                last = min(end_date or end, end)
                person_days[site] = person_days.get(site, 0) + max(
                    (last - first).days, 0)
            cursor.execute(CITY_WAREHOUSES_SQL, {'city': city})
            warehouses = dict(cursor.fetchall())
            cursor.execute(STOCK_SQL, (list(warehouses.values()),
                    [p for p, _ in norms]))
            cursor.fetchall()
            cursor.execute("INSERT INTO quarantine_supply_plan (date, "
                "scope, area, population_source, population, reserve_days, "
                "state, create_uid, create_date) VALUES (%s, 'area', %s, "
                "'forecast', 0, %s, 'computed', 1, now()) RETURNING id",
                (today, city, days))
            plan, = cursor.fetchone()
            rows = []
            for site, warehouse in warehouses.items():
                days_of = person_days.get(site, 0)
                for product, quantity in norms:
                    # the contracts covering the site, those serving
                    # people first
                    offers = [(c, p) for c, p in carriers.get(product, [])
                        if c not in contract_sites
                        or site in contract_sites[c]]
                    if any(p for _, p in offers):
                        offers = [(c, p) for c, p in offers if p]
                    offers = offers or [(None, 1)]
                    total = sum(p for _, p in offers) or 1
                    for contract, population in offers:
                        required = days_of * quantity * population / total
                        rows.append((plan, site, warehouse, product,
                                contract, 1, population, required, 0, 0,
                                required))
            rows = rows[:lines_per_city] + rows[:max(
                    lines_per_city - len(rows), 0)]
            with cursor.copy("COPY quarantine_supply_plan_line (plan, site, "
                    "warehouse, product, contract, unit, population, "
                    "required, on_hand, incoming, to_order) "
                    "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    bench.raw.rollback()


def city_plans(bench, pool, transaction, cities):
    """A city-wide stocking plan (every site of the city, its warehouse, the
    residents forecast over 15 days) and the province's, one a city:
    compute through trytond against the same reads and writes in raw
    SQL"""
    Plan = pool.get('quarantine.supply.plan')
    Line = pool.get('quarantine.supply.plan.line')
    Site = pool.get('quarantine.site')
    days = 15
    sites = Site.search_count([('area', 'child_of', [cities[0]], 'parent'),
            ('state', '!=', 'closed')])

    made = {}

    def orm(areas):
        def compute():
            plans = Plan.create([{'scope': 'area', 'area': area,
                        'population_source': 'forecast',
                        'reserve_days': days} for area in areas])
            Plan.compute(plans)
            # what the raw SQL writes as much of (counted in trytond's time)
            made['lines'] = Line.search_count(
                [('plan', 'in', [p.id for p in plans])])
        return compute

    def every_supermarket():
        """Every contract serving every site: each site's products shared
        among the 8 supermarkets (the worst case, 8 lines a product)"""
        # in SQL: the transaction is reused after a rollback, and trytond
        # keeps the records it deleted before as deleted (a second delete
        # found nothing to delete)
        Contract = pool.get('quarantine.supply.contract')
        relation = pool.get(
            'quarantine.supply.contract-quarantine.site').__table__()
        supermarkets = [c.id for c in Contract.search(
                [('kind', '=', 'supermarket')])]
        transaction.connection.cursor().execute(*relation.delete(
                where=relation.contract.in_(supermarkets)))

    for label, areas, prepare in [
            (f"city plan ({sites} sites' warehouses), compute",
                cities[:1], None),
            (f"province's plans ({len(cities)} city plans), compute",
                cities, None),
            ("city plan, 8 supermarkets for each site, compute",
                cities[:1], every_supermarket),
            ][:1 if os.environ.get('BENCH_ONLY') == 'city' else None]:

        def raw(areas=areas, every_site=bool(prepare)):
            raw_city_plans(bench, areas, days, made['lines'] // len(areas),
                every_site)
        bench.measure(label, 5 if len(areas) == 1 else None, orm(areas),
            raw, prepare)
        print(f"    ({made['lines']:,} plan lines)", flush=True)
        transaction.rollback()


def confirm_plan(bench, pool, transaction, city):
    """Confirming the plan of a district of the city (25 sites): its
    purchases (one a supplier and warehouse), their lines and incoming
    moves, and the order points of each warehouse's products, through
    trytond (Tryton's purchase workflow: quote, confirm, process) against
    raw SQL writing the same rows"""
    from trytond.transaction import Transaction
    Area = pool.get('quarantine.area')
    district, = Area.search([('parent', '=', city)], order=[('code', 'ASC')],
        limit=1)
    sites = pool.get('quarantine.site').search_count(
        [('area', '=', district.id), ('state', '!=', 'closed')])
    Plan = pool.get('quarantine.supply.plan')
    Line = pool.get('quarantine.supply.plan.line')
    Location = pool.get('stock.location')
    Company = pool.get('company.company')
    supplier_location, = Location.search([('type', '=', 'supplier')],
        limit=1)
    company, = Company.search([], limit=1)
    made = {}

    def setup():
        plan, = Plan.create([{'scope': 'area', 'area': district.id,
                    'population_source': 'forecast', 'reserve_days': 15}])
        Plan.compute([plan])
        made['plan'] = plan
        made['rows'] = [(l.contract.id, l.contract.supplier.id,
                l.warehouse.id, l.warehouse.input_location.id, l.product.id,
                l.unit.id, l.to_order) for l in Line.search(
                    [('plan', '=', plan.id), ('to_order', '>', 0)])]

    def orm():
        Plan.confirm([made['plan']])
        made['purchases'] = len(made['plan'].purchases)
        # the order points' unique keys would hold the raw SQL's waiting
        transaction.rollback()

    def raw():
        groups = {}
        for row in made['rows']:
            groups.setdefault(row[:4], []).append(row[4:])
        with bench.raw.cursor() as cursor:
            cursor.execute("SELECT id FROM currency_currency LIMIT 1")
            currency, = cursor.fetchone()
            order_points = {}
            for (contract, supplier, warehouse, storage), lines in (
                    groups.items()):
                cursor.execute("INSERT INTO purchase_purchase (company, "
                    "party, currency, warehouse, state, invoice_method, "
                    "invoice_state, shipment_state, supply_contract, "
                    "create_uid, create_date) VALUES (%s, %s, %s, %s, "
                    "'processing', 'manual', 'none', 'waiting', %s, 1, "
                    "now()) RETURNING id",
                    (company.id, supplier, currency, warehouse, contract))
                purchase, = cursor.fetchone()
                with cursor.copy("COPY purchase_line (purchase, type, "
                        "product, unit, quantity, unit_price, create_uid, "
                        "create_date) FROM STDIN") as copy:
                    for product, unit, quantity in lines:
                        copy.write_row((purchase, 'line', product, unit,
                                quantity, 6.5, 1, dt.datetime.now()))
                with cursor.copy("COPY stock_move (product, unit, quantity, "
                        "internal_quantity, from_location, to_location, "
                        "state, company, currency, unit_price, origin, "
                        "create_uid, create_date) FROM STDIN") as copy:
                    for product, unit, quantity in lines:
                        copy.write_row((product, unit, quantity, quantity,
                                supplier_location.id, storage, 'draft',
                                company.id, currency, 6.5,
                                f'purchase.line,{purchase}', 1,
                                dt.datetime.now()))
                for product, unit, quantity in lines:
                    order_points[(warehouse, product)] = quantity
            with cursor.copy("COPY stock_order_point (type, location, "
                    "product, min_quantity, target_quantity, company, "
                    "create_uid, create_date) FROM STDIN") as copy:
                for (warehouse, product), quantity in order_points.items():
                    copy.write_row(('purchase', warehouse, product,
                            quantity / 3, quantity, company.id, 1,
                            dt.datetime.now()))
        bench.raw.rollback()

    with Transaction().set_context(company=company.id):
        bench.measure(f"district plan ({sites} sites), confirm", None, orm,
            raw, setup)
    print(f"    ({len(made['rows']):,} lines to order, "
        f"{made['purchases']:,} purchases)", flush=True)
    transaction.rollback()


def main():
    database = os.environ.get('BENCH_PROVINCE_DB')
    keep = bool(database)
    if not database:
        database = DATABASE
        build(database, Shape.scaled(float(os.environ.get('BENCH_SCALE',
                        1))))
    os.environ['TRYTOND_DATABASE__URI'] = PG_URI
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    try:
        with Transaction().start(database, 1, context={
                    'language': 'zh_CN'}) as transaction:
            bench = Bench(pool, transaction, database)
            Site = pool.get('quarantine.site')
            Room = pool.get('quarantine.room')
            Area = pool.get('quarantine.area')
            Regime = pool.get('quarantine.regime')
            Date = pool.get('ir.date')
            today = Date.today()
            sites = Site.search_count([])
            rooms = Room.search_count([])
            print(f"\n{database}: {sites:,} sites, {rooms:,} rooms",
                flush=True)
            big, = Site.search([], order=[('id', 'ASC')], limit=1)
            # a city: an area under the province
            city, = Area.search([('code', 'like', 'P36C__')],
                order=[('code', 'ASC')], limit=1)
            cities = [a.id for a in Area.search(
                    [('code', 'like', 'P36C__')], order=[('code', 'ASC')])]
            if os.environ.get('BENCH_ONLY') in {'plans', 'city'}:
                city_plans(bench, pool, transaction, cities)
                if os.environ['BENCH_ONLY'] == 'plans':
                    confirm_plan(bench, pool, transaction, city.id)
                bench.print_table()
                bench.raw.close()
                transaction.rollback()
                return
            site_list(bench, Site, 1000)
            site_list(bench, Site, None)
            free_rooms(bench, Room, big.id)
            roster(bench, pool, big.id, today)
            area_dashboard(bench, pool, city.id)
            certificates(bench, pool)
            regime, = Regime.search([('code', '=', 'centralized_14')])
            intake(bench, pool, transaction, regime)
            city_plans(bench, pool, transaction, cities)
            confirm_plan(bench, pool, transaction, city.id)
            bench.print_table()
            bench.raw.close()
            transaction.rollback()
    finally:
        if not keep:
            drop_database(database)


if __name__ == '__main__':
    main()
