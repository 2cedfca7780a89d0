#!/usr/bin/env python3
"""Stocking plan of a city on PostgreSQL: 195,364 residents (Ruijin's 25
communities), 13 suppliers, 66 monitored necessities; compute + confirm.

Prints the time and the number of SQL statements of each step and the
ratio to a raw-SQL baseline doing the same work in the same run: read the
stock of the products, write the plan's lines, write the purchases and
their lines.  Run with python -O, as the server runs.  Needs PostgreSQL on
127.0.0.1:5432 (PG_URI to change it).  Asserts nothing about the clock.
"""
import datetime as dt
import os
import time
from decimal import Decimal

from bench_intake import (
    QueryCounter, create_database, drop_database, profiled)

DATABASE = 'bench_supply'
PG_URI = os.environ.get('PG_URI', 'postgresql://postgres@127.0.0.1:5432/')
POPULATION = 195364
RESERVE_DAYS = 7
# Ruijin's 8 supermarkets and the residents they serve and its 5
# producers or wholesalers
SUPERMARKETS = [
    ("国光超市", 28327), ("苏尔玛超市", 20678), ("步步高玛特超市", 26169),
    ("好又多超市", 21116), ("铜锣湾超市", 23954), ("发到家超市城东店", 30786),
    ("发到家超市万合店", 29298), ("君和超市", 15036)]
PRODUCERS = ["江西正大畜禽有限公司", "江西省甜香粮油饲料贸易有限公司",
    "江西省稻香味食品有限公司", "江西旭鼎食品有限公司", "江西百晟农业发展有限公司"]
PRODUCTS = 66


def setup(pool):
    "The company, 66 products with norms, 13 active contracts, a warehouse"
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Currency = pool.get('currency.currency')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Norm = pool.get('quarantine.supply.norm')
    Contract = pool.get('quarantine.supply.contract')
    Location = pool.get('stock.location')
    User = pool.get('res.user')
    currency, = Currency.create([{'name': "人民币", 'code': 'CNY',
                'symbol': '¥'}])
    party, = Party.create([{'name': "瑞金市商务局"}])
    company, = Company.create([{'party': party.id, 'currency': currency.id}])
    User.write([User(1)], {'companies': [('add', [company.id])],
            'company': company.id})
    kilogram, = Uom.search([('symbol', '=', 'kg')])
    existing = [n.product for n in Norm.search([])]
    templates = Template.create([{
                'name': f"必需品{i:02d}", 'type': 'goods',
                'default_uom': kilogram.id, 'purchasable': True,
                'purchase_uom': kilogram.id,
                'products': [('create', [{}])],
                } for i in range(PRODUCTS - len(existing))])
    products = existing + [t.products[0] for t in templates]
    Norm.create([{'product': p.id, 'unit': kilogram.id,
                'quantity': round(0.005 + (i % 10) * 0.01, 4)}
            for i, p in enumerate(products[len(existing):])])
    suppliers = Party.create([{'name': name,
                'addresses': [('create', [{'street': "瑞金市"}])]}
            for name, _ in SUPERMARKETS] + [{'name': name,
                'addresses': [('create', [{'street': "瑞金市"}])]}
            for name in PRODUCERS])
    today = dt.date.today()
    values = []
    for (name, population), supplier in zip(SUPERMARKETS, suppliers):
        values.append({'supplier': supplier.id, 'kind': 'supermarket',
                'trucks': 5, 'lead_days': 1,
                'start_date': today - dt.timedelta(days=30),
                'communities': [('create', [{'name': f"{name}片区",
                                'population': population}])],
                'lines': [('create', [{'product': p.id,
                                'unit': kilogram.id,
                                'daily_capacity': population / 100,
                                'unit_price': Decimal('6.5')}
                            for p in products])]})
    for index, supplier in enumerate(suppliers[len(SUPERMARKETS):]):
        share = products[index::len(PRODUCERS)]
        values.append({'supplier': supplier.id, 'kind': 'producer',
                'trucks': 0, 'lead_days': 2,
                'start_date': today - dt.timedelta(days=30),
                'lines': [('create', [{'product': p.id,
                                'unit': kilogram.id,
                                'daily_capacity': 5000,
                                'unit_price': Decimal('4.2')}
                            for p in share])]})
    contracts = Contract.create(values)
    Contract.activate(contracts)
    warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
    return (company.id, warehouse.id, [p.id for p in products],
        [(c.id, c.supplier.id) for c in contracts])


def raw_sql_baseline(plan_id, warehouse_id, products, contracts, company_id):
    """Read the stock of the products in the warehouse, insert the lines
    and the purchases with their lines in plain SQL, rolled back"""
    import psycopg
    with psycopg.connect(PG_URI + DATABASE) as conn:
        start = time.perf_counter()
        with conn.cursor() as cursor:
            cursor.execute("SELECT product, SUM(CASE WHEN to_location = %s "
                "THEN quantity ELSE -quantity END) FROM stock_move "
                "WHERE (to_location = %s OR from_location = %s) "
                "AND product = ANY(%s) GROUP BY product",
                (warehouse_id, warehouse_id, warehouse_id, products))
            cursor.fetchall()
            cursor.execute("SELECT l.contract, l.product, l.daily_capacity, "
                "l.unit_price FROM quarantine_supply_contract_line l "
                "JOIN quarantine_supply_contract c ON c.id = l.contract "
                "WHERE c.state = 'active'")
            offers = cursor.fetchall()
            cursor.executemany("INSERT INTO quarantine_supply_plan_line "
                "(plan, warehouse, product, contract, unit, population, "
                "required, on_hand, incoming, to_order, create_uid, "
                "create_date) VALUES (%s, %s, %s, %s, 1, %s, %s, 0, 0, %s, "
                "1, now())",
                [(plan_id, warehouse_id, product, contract, POPULATION,
                        capacity, capacity)
                    for contract, product, capacity, _ in offers])
            for contract, supplier in contracts:
                cursor.execute("INSERT INTO purchase_purchase (company, "
                    "party, currency, warehouse, state, invoice_method, "
                    "invoice_state, shipment_state, create_uid, "
                    "create_date) VALUES (%s, %s, 1, %s, 'draft', 'manual', "
                    "'none', 'none', 1, now()) RETURNING id",
                    (company_id, supplier, warehouse_id))
                purchase_id, = cursor.fetchone()
                cursor.executemany("INSERT INTO purchase_line (purchase, "
                    "type, product, unit, quantity, unit_price, "
                    "create_uid, create_date) VALUES (%s, 'line', %s, 1, "
                    "%s, %s, 1, now())",
                    [(purchase_id, product, capacity, price)
                        for c, product, capacity, price in offers
                        if c == contract])
        elapsed = time.perf_counter() - start
        conn.rollback()
    return elapsed, len(offers)


def main():
    os.environ['TRYTOND_DATABASE__URI'] = PG_URI
    print(f"Setting up {DATABASE} ({POPULATION} residents, "
        f"{len(SUPERMARKETS) + len(PRODUCERS)} suppliers, {PRODUCTS} "
        "products)...", flush=True)
    create_database(DATABASE, 'quarantine_supply')

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(DATABASE)
    pool.init()
    with Transaction().start(DATABASE, 1, context={'language': 'en'}) as tx:
        company, warehouse, products, contracts = setup(pool)
        tx.commit()
    with Transaction().start(DATABASE, 1, context={
                'language': 'en', 'company': company}) as tx:
        Plan = pool.get('quarantine.supply.plan')
        Purchase = pool.get('purchase.purchase')
        plan, = Plan.create([{'scope': 'sites', 'population_source': 'typed',
                    'population': POPULATION, 'reserve_days': RESERVE_DAYS,
                    'warehouse': warehouse}])
        tx.commit()
        raw_time, raw_lines = raw_sql_baseline(
            plan.id, warehouse, products, contracts, company)

        counter = QueryCounter()
        with counter.counting(tx.connection):
            start = time.perf_counter()
            with profiled('compute'):
                Plan.compute([plan])
            compute_time = time.perf_counter() - start
            compute_queries = counter.count
            start = time.perf_counter()
            with profiled('confirm'):
                Plan.confirm([plan])
            confirm_time = time.perf_counter() - start
            confirm_queries = counter.count - compute_queries
        start = time.perf_counter()
        tx.commit()
        commit_time = time.perf_counter() - start
        lines = len(plan.lines)
        purchases = Purchase.search_count([('supply_plan', '=', plan.id)])
        purchase_lines = sum(len(p.lines) for p in Purchase.search(
                [('supply_plan', '=', plan.id)]))

        Report = pool.get('quarantine.supply.plan.guidance', type='report')
        start = time.perf_counter()
        _, content, _, _ = Report.execute([plan.id], {})
        report_time = time.perf_counter() - start

    total = compute_time + confirm_time + commit_time
    print()
    print(f"{'step':44} {'seconds':>9} {'statements':>11}")
    print(f"{'compute (%d plan lines)' % lines:44} {compute_time:9.2f} "
        f"{compute_queries:11d}")
    print(f"{'confirm (%d purchases, %d lines, order point)' % (purchases, purchase_lines):44} "
        f"{confirm_time:9.2f} {confirm_queries:11d}")
    print(f"{'commit':44} {commit_time:9.2f} {1:11d}")
    print(f"{'total (trytond)':44} {total:9.2f}")
    print(f"{'raw SQL: same lines and purchases':44} {raw_time:9.2f}")
    print(f"ratio trytond / raw SQL: {total / raw_time:.1f}x "
        f"({raw_lines} offer lines)")
    print(f"{'stocking guidance table (PDF, %d kB)' % (len(content) // 1024):44} "
        f"{report_time:9.2f}")
    drop_database(DATABASE)


if __name__ == '__main__':
    main()
