#!/usr/bin/env python3
"""Load the demo city of data/demo_city/ into a database, through the ORM.

Idempotent: records that exist (same code) are left as they are, so `make run`
can call it every time.  The admin user is switched to Chinese (zh_CN).
"""
import argparse
import csv
import datetime as dt
import os
from decimal import Decimal
import sys

from proteus import Model, Wizard, config

DATA = os.path.join(os.path.dirname(__file__), '..', 'data', 'demo_city')


def read(name):
    with open(os.path.join(DATA, name), encoding='utf-8', newline='') as f:
        return list(csv.DictReader(f))


def set_language(code):
    Lang = Model.get('ir.lang')
    User = Model.get('res.user')
    lang, = Lang.find([('code', '=', code)])
    admin, = User.find([('login', '=', 'admin')])
    if admin.language != lang:
        admin.language = lang
        admin.save()


def load_areas():
    Area = Model.get('quarantine.area')
    areas = {a.code: a for a in Area.find([])}
    for row in read('areas.csv'):
        if row['code'] in areas:
            continue
        area = Area(code=row['code'], name=row['name'],
            population=int(row['population']),
            reserve_rooms_per_10k=int(row['reserve_rooms_per_10k']))
        if row['parent_code']:
            area.parent = areas[row['parent_code']]
        area.save()
        areas[area.code] = area
    return areas


def load_sites(areas):
    Site = Model.get('quarantine.site')
    Room = Model.get('quarantine.room')
    existing = {s.code for s in Site.find([])}
    created = []
    for row in read('sites.csv'):
        if row['code'] in existing:
            continue
        site = Site(code=row['code'], name=row['name'],
            area=areas[row['area_code']], address=row['address'],
            contact_name=row['contact_name'],
            contact_phone=row['contact_phone'], layout_compliant=True)
        site.save()
        wizard = Wizard('quarantine.room.create', [site])
        wizard.form.site = site
        wizard.form.buildings = row['buildings']
        wizard.form.floor_from = int(row['floor_from'])
        wizard.form.floor_to = int(row['floor_to'])
        wizard.form.number_from = int(row['number_from'])
        wizard.form.number_to = int(row['number_to'])
        if row['state'] == 'standby':
            wizard.form.initial_state = 'out_of_service'
        wizard.execute('create_')
        accessible = Room.find([
                ('site', '=', site.id), ('floor', '=', row['accessible_floor'])])
        Room.write([r.id for r in accessible], {'accessible': True},
            config.get_config().context)
        if row['state'] == 'standby':
            site.click('standby')
        elif row['state'] == 'active':
            site.click('activate')
        created.append(site)
    return created


def load_staff(sites):
    Party = Model.get('party.party')
    Staff = Model.get('quarantine.staff')
    by_code = {s.code: s for s in sites}
    for row in read('staff.csv'):
        site = by_code.get(row['site_code'])
        if not site:
            continue
        party = Party(name=row['name'])
        party.save()
        Staff(site=site, party=party, role=row['role'], phone=row['phone'],
            certified=row['certified'] == '1').save()


def load_residents(sites):
    "Admit the demo residents of the new sites through batch allocation"
    Party = Model.get('party.party')
    Stay = Model.get('quarantine.stay')
    Regime = Model.get('quarantine.regime')
    regime, = Regime.find([('code', '=', 'centralized_14')])
    today = dt.date.today()
    by_code = {s.code: s for s in sites}
    by_site = {}
    for row in read('residents.csv'):
        if row['site_code'] in by_code:
            by_site.setdefault(row['site_code'], []).append(row)
    for code, rows in by_site.items():
        stays, by_number = [], {}
        for row in rows:
            party = Party(name=row['name'])
            identifier = party.identifiers.new()
            identifier.type = 'cn_ric'
            identifier.code = row['identity_number']
            party.save()
            arrival = today - dt.timedelta(days=int(row['days_ago']))
            stay = Stay(person=party, regime=regime,
                category=row['category'], arrival_date=arrival,
                exposure_date=arrival - dt.timedelta(days=1),
                phone=row['phone'], community=row['community'],
                origin=row['origin'], group_name=row['group'] or None,
                special_needs=[row['needs']] if row['needs'] else [])
            if row['companion_of']:
                stay.companion_of = by_number[row['companion_of']]
                stay.guardian_consent = True
            stay.save()
            by_number[row['identity_number']] = stay
            stays.append(stay)
        allocate = Wizard('quarantine.stay.allocate', stays)
        allocate.form.site = by_code[code]
        allocate.execute('allocate')


def demo_turnover(sites):
    "A few rooms of the first active site in terminal disinfection"
    Room = Model.get('quarantine.room')
    Party = Model.get('party.party')
    site = next((s for s in sites if s.state == 'active'), None)
    if not site:
        return
    rooms = Room.find(
        [('site', '=', site.id), ('state', '=', 'available')], limit=3)
    for room in rooms:
        room.click('to_cleaning')
    cleaner, = Party.find([('name', '=', '郑华')], limit=1) or [None]
    room = rooms[0]
    room.reload()
    turnover = room.turnovers[0]
    turnover.disinfected_at = dt.datetime.now()
    turnover.disinfected_by = cleaner
    room.save()


def create_company():
    "The health commission buys the supplies; return the company"
    Company = Model.get('company.company')
    Currency = Model.get('currency.currency')
    Party = Model.get('party.party')
    User = Model.get('res.user')
    companies = Company.find([])
    if companies:
        return companies[0]
    currencies = Currency.find([('code', '=', 'CNY')])
    currency = currencies[0] if currencies else Currency(
        name="人民币", code='CNY', symbol='¥')
    currency.save()
    company = Company(party=Party(name="示范市疫情防控指挥部"),
        currency=currency)
    company.party.save()
    company.save()
    admin, = User.find([('login', '=', 'admin')])
    admin.companies.append(Company(company.id))
    admin.company = company
    admin.save()
    config._context = User.get_preferences(True, {})
    return company


def sheet(name):
    "The CSV file as the bytes of the workbook the import wizard reads"
    import io

    from openpyxl import Workbook
    workbook = Workbook()
    with open(os.path.join(DATA, name), encoding='utf-8', newline='') as f:
        for row in csv.reader(f):
            workbook.active.append([float(v) if v.replace('.', '', 1)
                    .isdigit() else v for v in row])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def load_supply(sites):
    """Ruijin's supply enterprises with their addresses, the communities
    they serve and what each carries (Ruijin's plan, 附件2: the grain and
    oil firms grain and oil, 旭鼎 oil, 百晟 vegetables, 正大 meat, the
    supermarkets every necessity), with minimum order quantities; the
    ration norms, 40 box trucks (5 a supermarket), a tested driver; the
    first active site's stocking plan confirmed into purchases with a truck
    on its way, the second's computed, awaiting confirmation"""
    Module = Model.get('ir.module')
    if not Module.find([('name', '=', 'quarantine_supply'),
                ('state', '=', 'activated')]):
        return
    Contract = Model.get('quarantine.supply.contract')
    Norm = Model.get('quarantine.supply.norm')
    Vehicle = Model.get('quarantine.vehicle')
    DriverTest = Model.get('quarantine.supply.driver_test')
    Party = Model.get('party.party')
    Plan = Model.get('quarantine.supply.plan')
    Site = Model.get('quarantine.site')
    Dispatch = Model.get('quarantine.supply.dispatch')
    if Contract.find([]):
        return
    create_company()
    # the plans order for the company: it must be in the session's context
    proteus_config = config.get_config()
    proteus_config._context = Model.get('res.user').get_preferences(
        True, {})
    for kind, name in [('norms', 'norms.csv'), ('suppliers', 'suppliers.csv')]:
        wizard = Wizard('quarantine.supply.import')
        wizard.form.kind = kind
        wizard.form.file = sheet(name)
        wizard.execute('import_')
    with proteus_config.set_context(language='zh_CN'):
        products = {n.product.name: n.product for n in Norm.find([])}
    minimums = {row['物资']: (float(row['超市起订量']),
            float(row['企业起订量'])) for row in read('norms.csv')}
    carried = {row['供应单位']: row['供应品种'].split('、')
        for row in read('suppliers.csv')}
    today = dt.date.today()
    for contract in Contract.find([], order=[('id', 'ASC')]):
        contract.start_date = today - dt.timedelta(days=30)
        contract.end_date = today + dt.timedelta(days=90)
        supermarket = contract.kind == 'supermarket'
        contract.trucks = 5 if supermarket else 0
        contract.lead_days = 1 if supermarket else 2
        for name in carried[contract.supplier.name]:
            product = products[name]
            line = contract.lines.new(product=product)
            line.daily_capacity = (max(contract.population_served / 100, 500)
                if supermarket else 5000)
            line.unit_price = Decimal('9.50' if supermarket else '6.80')
            line.minimum_quantity = minimums[name][0 if supermarket else 1]
        contract.save()
        contract.click('activate')
    # Ruijin's fleet: trucks 1-40, five for each supermarket in this order,
    # washed this morning by the city's vehicle disinfection station
    station = Party(name="瑞金市车辆洗消站")
    station.save()
    order = ["国光超市", "苏尔玛超市", "步步高玛特超市", "好又多超市",
        "铜锣湾超市", "发到家超市城东店", "发到家超市万合店", "君和超市"]
    trucks = 0
    for name in order:
        supplier, = Party.find([('name', '=', name)])
        for _ in range(5):
            trucks += 1
            truck = Vehicle(kind='truck', seats=0, number=trucks,
                plate=f"赣B·D{trucks:04d}", supplier=supplier, capacity=3000)
            truck.disinfections.new(disinfected_at=dt.datetime.now(),
                disinfected_by=station)
            truck.save()
    driver = Party(name="刘师傅")
    driver.save()
    DriverTest(driver=driver, result='negative', institution="瑞金市疾控中心",
        tested_at=dt.datetime.now() - dt.timedelta(hours=6)).save()
    active = [s for s in sites if s.state == 'active'] or Site.find(
        [('state', '=', 'active')], limit=2)
    for site in active:
        site.handover_point = "东门物资交接点"
        site.save()
    plans = []
    for site in active[:2]:
        plan = Plan(scope='site', site=site, reserve_days=15)
        plan.save()
        plan.click('compute')
        plans.append(plan)
    if not plans:
        return
    # the first plan is ordered and the largest order of a supplier with
    # trucks is on its way to the site
    plan = plans[0]
    plan.click('confirm')
    plan.reload()
    fleets = {}
    for purchase in plan.purchases:
        found = Vehicle.find([('supplier', '=', purchase.party.id)],
            order=[('number', 'ASC')], limit=1)
        if found:
            fleets[purchase] = found[0]
    if not fleets:
        return
    purchase = max(fleets, key=lambda p: sum(l.quantity for l in p.lines))
    dispatch = Dispatch(contract=purchase.supply_contract, site=plan.site,
        vehicle=fleets[purchase], driver=driver,
        driver_phone="13907970001")
    dispatch.purchase = purchase
    dispatch.save()
    dispatch.click('load')
    dispatch.click('depart')


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default='trytond.conf')
    args = parser.parse_args()
    # proteus takes the backend from TRYTOND_DATABASE_URI, not from the
    # TRYTOND_DATABASE__URI setting that trytond reads.
    os.environ.setdefault('TRYTOND_DATABASE_URI',
        os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://'))
    config.set_trytond(args.database, config_file=args.config)
    set_language('zh_CN')
    areas = load_areas()
    sites = load_sites(areas)
    load_staff(sites)
    load_residents(sites)
    demo_turnover(sites)
    load_supply(sites)
    print(f"Demo city: {len(sites)} new sites loaded into {args.database}",
        file=sys.stderr)


if __name__ == '__main__':
    main()
