#!/usr/bin/env python3
"""Load the demo city of data/demo_city/ into a database, through the ORM.

Idempotent: records that exist (same code, same identity number, same login)
are left as they are, so `make run` can call it every time.  It also completes
Tryton's set-up (the company, a minimal chart of accounts and fiscal year, the
admin in Chinese: zh_CN) so that the first screen after login is the work,
and gives each role a demo login (passwords next to the admin's, see
demo_logins_path).  Dates are relative to the day it runs: the demo shows
that day's work (data/demo_city/day.csv).
"""
import argparse
import csv
import datetime as dt
import os
import secrets
from collections import defaultdict
from decimal import Decimal
import sys

from proteus import Model, Wizard, config
from trytond.model.exceptions import AccessError

CONFIG_FILE = 'trytond.conf'
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
            contact_phone=row['contact_phone'], layout_compliant=True,
            # evaluated and accepted by the city's experts (Henan L245)
            expert_evaluated_on=dt.date.today() - dt.timedelta(days=30))
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


def new_stay(row, by_number):
    """A draft stay of the row's person (and the party with its identity
    number) on its category's regime (the secondary contacts' 7 days, else
    14 days); `by_number` maps the identity numbers of the rows already
    read to their stays, for a guardian's `companion_of`"""
    Party = Model.get('party.party')
    Stay = Model.get('quarantine.stay')
    party = Party(name=row['name'])
    identifier = party.identifiers.new()
    identifier.type = 'cn_ric'
    identifier.code = row['identity_number']
    party.save()
    arrival = dt.date.today() - dt.timedelta(days=int(row['days_ago']))
    stay = Stay(person=party, category=row['category'],
        arrival_date=arrival,
        exposure_date=arrival - dt.timedelta(days=1),
        phone=row['phone'] or None, community=row['community'],
        origin=row['origin'], group_name=row['group'] or None,
        special_needs=[row['needs']] if row['needs'] else [])
    if row['companion_of']:
        stay.companion_of = by_number[row['companion_of']]
        # the guardian signed the informed consent (知情同意书) at the
        # community before boarding: who and when are on the stay
        stay.guardian_consent = True
        stay.consent_signed_by = row['name']
        stay.consent_signed_at = (dt.datetime.now().replace(microsecond=0)
            - dt.timedelta(hours=2))
    stay.save()
    by_number[row['identity_number']] = stay
    return stay


def admit_rows(rows, sites):
    """Admit the rows' persons into their sites (`site_code`) through batch
    allocation; return their stays"""
    by_site = defaultdict(list)
    for row in rows:
        by_site[row['site_code']].append(row)
    admitted = []
    for code, site_rows in by_site.items():
        by_number = {}
        stays = [new_stay(row, by_number) for row in site_rows]
        allocate = Wizard('quarantine.stay.allocate', stays)
        allocate.form.site = sites[code]
        allocate.execute('allocate')
        admitted.extend(stays)
    return admitted


def load_residents(sites):
    "Admit the demo residents of the new sites through batch allocation"
    by_code = {s.code: s for s in sites}
    admit_rows([row for row in read('residents.csv')
            if row['site_code'] in by_code], by_code)


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
    # the new company in the context of what follows (its rules)
    config.get_config()._context = User.get_preferences(True, {})
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
    load_prices()
    load_market()
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
    ruijin_plan()
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


def ruijin_plan():
    """Ruijin's stocking table (附件1 各保供企业生活必需品储存指导计划):
    a plan of the population the supermarkets serve for 7 days, delivered
    to the city's emergency store 红土地物流园 (R L2827), computed: each
    supermarket's row is the people of its communities x norm x 7 days,
    as data/demo_city/ruijin_stocking_table.csv (the seed's table)"""
    Location = Model.get('stock.location')
    Plan = Model.get('quarantine.supply.plan')
    name = "红土地物流园仓储点"
    storage = Location(name=name, code='HTD', type='storage')
    storage.save()
    warehouse = Location(name=name, code='HTD', type='warehouse',
        input_location=storage, output_location=storage,
        storage_location=storage)
    warehouse.save()
    storage.parent = warehouse
    storage.save()
    plan = Plan(scope='sites', population_source='served', reserve_days=7,
        warehouse=warehouse,
        notes="瑞金市城区居民生活必需品应急保供方案附件1：各保供企业生活必需品"
        "储存指导计划（保障人数 × 人均定额 × 7 天）")
    plan.save()
    plan.click('compute')


def load_prices():
    """The necessities of data/demo_city/prices.csv monitored (ticked on
    the product form) and their prices of a week ago and of today imported
    through the price import wizard: 蔬菜 up 25 % in a week, a mild
    abnormality the price watch flags; importing them again changes
    nothing"""
    import io

    from openpyxl import Workbook
    Template = Model.get('product.template')
    rows = read('prices.csv')
    today = dt.date.today()
    with config.get_config().set_context(language='zh_CN'):
        for template in Template.find([
                    ('name', 'in', list({r['物资'] for r in rows})),
                    ('price_monitored', '=', False),
                    ]):
            template.price_monitored = True
            template.save()
        workbook = Workbook()
        workbook.active.append(["日期", "物资", "价格", "市场"])
        for row in rows:
            workbook.active.append([
                    today - dt.timedelta(days=int(row['天前'])),
                    row['物资'], float(row['价格']), row['市场']])
        stream = io.BytesIO()
        workbook.save(stream)
        wizard = Wizard('quarantine.supply.price.import')
        wizard.form.file = stream.getvalue()
        wizard.form.filename = 'prices.xlsx'
        wizard.execute('import_')
        if wizard.state == 'errors':
            raise SystemExit(f"prices.csv: {wizard.form.summary}")


def load_market():
    """The market response the demo's prices call for: 蔬菜 up 25 % in a
    week is a mild anomaly (Ruijin R L2666), whose response gives the
    commerce bureau, market regulation and transport their tasks; opened
    once"""
    Response = Model.get('quarantine.supply.market.response')
    if Response.find([]):
        return
    with config.get_config().set_context(language='zh_CN'):
        response = Response(date=dt.date.today())
        response.save()
        response.click('open')


def activated(name):
    Module = Model.get('ir.module')
    return bool(Module.find(
            [('name', '=', name), ('state', '=', 'activated')]))


def xml_id(module, fs_id):
    ModelData = Model.get('ir.model.data')
    return ModelData.get_id(module, fs_id, {})


def create_accounts(company):
    """Tryton's minimal chart of accounts for the company, with its default
    receivable, payable, expense and revenue accounts, the fiscal year of
    today with its periods and sequences and an accounting product
    category: what confirming and invoicing a purchase needs (the payment
    terms are those account_invoice ships)"""
    if not activated('account'):
        return
    Account = Model.get('account.account')
    Template = Model.get('account.account.template')
    if not Account.find([('company', '=', company.id)], limit=1):
        chart = Wizard('account.create_chart')
        chart.execute('account')
        chart.form.account_template = Template(
            xml_id('account', 'account_template_root_en'))
        chart.form.company = company
        chart.execute('create_account')
        accounts = chart_accounts(company)
        chart.form.account_receivable = accounts['receivable']
        chart.form.account_payable = accounts['payable']
        if hasattr(chart.form, 'category_account_expense'):
            chart.form.category_account_expense = accounts['expense']
            chart.form.category_account_revenue = accounts['revenue']
        chart.execute('create_properties')
    create_fiscal_year(company)
    if activated('account_product'):
        Category = Model.get('product.category')
        if not Category.find([('accounting', '=', True)]):
            accounts = chart_accounts(company)
            Category(name="保障物资", accounting=True,
                account_expense=accounts['expense'],
                account_revenue=accounts['revenue']).save()


def chart_accounts(company):
    "The company's first account of each kind"
    Account = Model.get('account.account')
    accounts = {}
    for kind in ['receivable', 'payable', 'revenue', 'expense']:
        accounts[kind], = Account.find([
                (f'type.{kind}', '=', True),
                ('company', '=', company.id),
                ('closed', '!=', True),
                ], limit=1)
    return accounts


def create_fiscal_year(company):
    "This calendar year, monthly periods, its move and invoice sequences"
    FiscalYear = Model.get('account.fiscalyear')
    Sequence = Model.get('ir.sequence.strict')
    SequenceType = Model.get('ir.sequence.type')
    today = dt.date.today()
    if FiscalYear.find([('company', '=', company.id),
                ('start_date', '<=', today), ('end_date', '>=', today)]):
        return
    name = str(today.year)
    move_sequence = Sequence(name=name, company=company,
        sequence_type=SequenceType(
            xml_id('account', 'sequence_type_account_move')))
    move_sequence.save()
    year = FiscalYear(name=name, company=company,
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
        move_sequence=move_sequence)
    if activated('account_invoice'):
        invoice_sequence = Sequence(name=name, company=company,
            sequence_type=SequenceType(xml_id(
                    'account_invoice', 'sequence_type_account_invoice')))
        invoice_sequence.save()
        sequences, = year.invoice_sequences
        sequences.out_invoice_sequence = invoice_sequence
        sequences.in_invoice_sequence = invoice_sequence
        sequences.out_credit_note_sequence = invoice_sequence
        sequences.in_credit_note_sequence = invoice_sequence
    year.save()
    FiscalYear.create_period([year.id], config.get_config().context)


# The dashboard each role lands on after login (module, action xml id)
BOARDS = {
    'admin': ('quarantine', 'act_board_admin'),
    'site_manager': ('quarantine', 'act_board_site_manager'),
    'medical': ('quarantine', 'act_board_medical'),
    'transfer': ('quarantine_transfer', 'act_board_transfer'),
    'logistics': ('quarantine_supply', 'act_board_logistics'),
    }


def board_action(role, login='admin'):
    """The ir.action id of the role's dashboard, None if its module is
    absent; read as `login` when the admin may not (a dashboard is readable
    by its groups only)"""
    module, fs_id = BOARDS[role]
    if not activated(module):
        return None
    ActWindow = Model.get('ir.action.act_window')
    window_id = xml_id(module, fs_id)
    try:
        return ActWindow(window_id).action.id
    except AccessError:
        if login == 'admin':
            raise
    admin = config.get_config()
    config.set_trytond(admin.database_name, user=login,
        config_file=CONFIG_FILE)
    try:
        return Model.get('ir.action.act_window')(window_id).action.id
    finally:
        config._CONFIG.current = admin


def finish_setup():
    """Tryton's set-up wizards are done (the company, accounts and languages
    were set here): the admin lands on the city's dashboard, not on them"""
    Item = Model.get('ir.module.config_wizard.item')
    User = Model.get('res.user')
    items = Item.find([('state', '=', 'open')])
    if items:
        Item.write([i.id for i in items], {'state': 'done'},
            config.get_config().context)
    admin, = User.find([('login', '=', 'admin')])
    action = board_action('admin')
    if action and action not in [a.id for a in admin.actions]:
        User.write([admin.id], {'actions': [('add', [action])]},
            config.get_config().context)


def laboratories():
    "The demo city's two laboratories, {reagent: party}"
    Party = Model.get('party.party')
    labs = {}
    for name, reagent in LABORATORIES:
        parties = Party.find([('name', '=', name)], limit=1)
        if parties:
            labs[reagent], = parties
        else:
            labs[reagent] = Party(name=name)
            labs[reagent].save()
    return labs


LABORATORIES = [("示范市疾控中心", "圣湘"), ("华大基因示范市医学检验所", "华大基因")]


def record(samples, result, lab, reagent, collected_at):
    "Record the samples' results through the medical staff's wizard"
    wizard = Wizard('quarantine.sample.record', samples)
    wizard.form.result = result
    wizard.form.institution = lab
    wizard.form.reagent = reagent
    wizard.form.collected_at = collected_at
    wizard.execute('record')


def record_past(labs):
    """The results of the tests planned before today, negative, collected
    at 8:30 on their day by each laboratory in turn"""
    Sample = Model.get('quarantine.sample')
    by_date = defaultdict(list)
    for sample in Sample.find([
                ('planned_date', '<', dt.date.today()),
                ('result', '=', 'pending'),
                ('stay.state', '=', 'admitted'),
                ]):
        by_date[sample.planned_date].append(sample)
    reagents = [reagent for _, reagent in LABORATORIES]
    for date, samples in sorted(by_date.items()):
        reagent = reagents[date.toordinal() % 2]
        record(samples, 'negative', labs[reagent], reagent,
            dt.datetime.combine(date, dt.time(8, 30)))


def record_positive(stays, labs):
    """Yesterday's test of the stays positive (or their latest before
    today): their transfer to hospital is requested on the spot"""
    Sample = Model.get('quarantine.sample')
    reagent = LABORATORIES[1][1]
    for stay in stays:
        samples = Sample.find([
                ('stay', '=', stay.id),
                ('planned_date', '<', dt.date.today()),
                ('result', '=', 'pending'),
                ], order=[('planned_date', 'DESC')], limit=1)
        for sample in samples:
            record([sample], 'positive', labs[reagent], reagent,
                dt.datetime.combine(sample.planned_date, dt.time(8, 30)))


def record_exit_pairs(stays, labs):
    """This morning's two exit specimens of the stays, by the two
    laboratories with their own reagents: the release gate is met"""
    Sample = Model.get('quarantine.sample')
    now = dt.datetime.now().replace(microsecond=0)
    exits = Sample.find([
            ('stay', 'in', [s.id for s in stays]),
            ('exit_sample', '=', True),
            ('result', '=', 'pending'),
            ], order=[('id', 'ASC')])
    by_stay = defaultdict(list)
    for sample in exits:
        by_stay[sample.stay.id].append(sample)
    # taken today even just after midnight (a minute apart)
    midnight = dt.datetime.combine(now.date(), dt.time())
    for index, (name, reagent) in enumerate(LABORATORIES):
        samples = [s[index] for s in by_stay.values() if len(s) > index]
        if samples:
            record(samples, 'negative', labs[reagent], reagent,
                max(now - dt.timedelta(minutes=40 - 20 * index),
                    midnight + dt.timedelta(minutes=index)))


def vehicle(plate, **values):
    """The vehicle of the plate, created disinfected an hour ago when
    new"""
    Vehicle = Model.get('quarantine.vehicle')
    Party = Model.get('party.party')
    vehicles = Vehicle.find([('plate', '=', plate)], limit=1)
    if vehicles:
        return vehicles[0]
    station, = Party.find([('name', '=', STATION)], limit=1) or [None]
    if not station:
        station = Party(name=STATION)
        station.save()
    car = Vehicle(plate=plate, **values)
    car.disinfections.new(
        disinfected_at=dt.datetime.now() - dt.timedelta(hours=1),
        disinfected_by=station)
    car.save()
    return car


STATION = "示范市转运车辆洗消点"


def transfer_under_way(rows, sites):
    """A bus bringing a community's close contacts to their site,
    requested and dispatched"""
    Party = Model.get('party.party')
    Transfer = Model.get('quarantine.transfer')
    bus = vehicle("赣A·Z0101", kind='bus', seats=12, driver="陈国栋",
        driver_phone="13900000201")
    vehicle("赣A·1200F", kind='ambulance', seats=1, negative_pressure=True,
        driver="周立新", driver_phone="13900000202")
    if not rows:
        return
    transfer = Transfer(origin=rows[0]['community'],
        to_site=sites[rows[0]['site_code']], vehicle=bus,
        driver=bus.driver, driver_phone=bus.driver_phone,
        escorts="李医生、王护士")
    for row in rows:
        person = Party(name=row['name'])
        identifier = person.identifiers.new()
        identifier.type = 'cn_ric'
        identifier.code = row['identity_number']
        person.save()
        line = transfer.lines.new()
        line.person = person
        line.category = row['category']
        line.phone = row['phone']
    transfer.save()
    transfer.click('request')
    transfer.click('dispatch')


def late_daily_report(site):
    """The daily report of the site of two days ago, submitted only now:
    it was due yesterday at the deadline hour"""
    Submission = Model.get('quarantine.daily_report.submission')
    date = dt.date.today() - dt.timedelta(days=2)
    if Submission.find([('site', '=', site.id), ('date', '=', date)]):
        return
    wizard = Wizard('quarantine.daily_report')
    wizard.form.date = date
    wizard.form.sites.append(type(site)(site.id))
    wizard.execute('submit')


def staff_tests(sites, labs):
    """The staff tests of the active sites (Chongqing L129): yesterday's
    negative, taken at 7:30 by the city's laboratory, and today's planned
    by the sites' button (the daily scheduled job plans them from then)"""
    Staff = Model.get('quarantine.staff')
    StaffTest = Model.get('quarantine.staff.test')
    Site = Model.get('quarantine.site')
    active = [s for s in sites.values() if s.state == 'active']
    if not active:
        return
    yesterday = dt.date.today() - dt.timedelta(days=1)
    done = {t.staff.id for t in StaffTest.find([('date', '=', yesterday)])}
    lab, reagent = LABORATORIES[0]
    tests = []
    for member in Staff.find([('site', 'in', [s.id for s in active])]):
        if member.id not in done:
            tests.append(StaffTest(site=member.site, staff=member,
                    date=yesterday, result='negative',
                    collected_at=dt.datetime.combine(
                        yesterday, dt.time(7, 30)),
                    institution=labs[reagent], reagent=reagent))
    StaffTest.save(tests)
    Site.click(active, 'plan_staff_tests')


def load_day():
    """The work of today (data/demo_city/day.csv): a bus waiting for
    allocation, residents whose 14 days end today with their exit pair,
    a positive with its transfer to hospital requested, a transfer under
    way; the results of the tests before today; a late daily report; the
    staff tests of yesterday and today"""
    Identifier = Model.get('party.identifier')
    Site = Model.get('quarantine.site')
    sites = {s.code: s for s in Site.find([])}
    rows = read('day.csv')
    known = {i.code for i in Identifier.find([('code', 'in',
                    [r['identity_number'] for r in rows])])}
    scenes = defaultdict(list)
    for row in rows:
        if row['identity_number'] not in known:
            scenes[row['scene']].append(row)
    labs = laboratories()
    by_number = {}
    for row in scenes['waiting']:
        new_stay(row, by_number)
    leaving = admit_rows(scenes['release'], sites)
    positive = admit_rows(scenes['positive'], sites)
    record_positive(positive, labs)
    record_past(labs)
    record_exit_pairs(leaving, labs)
    if activated('quarantine_transfer'):
        transfer_under_way(scenes['transfer'], sites)
    late_daily_report(sites['DC02'])
    staff_tests(sites, labs)


# login, name, role, groups, site codes, area codes
DEMO_USERS = [
    ('city', "市指挥部 陈主任", 'admin',
        [('quarantine', 'group_admin')], [], []),
    ('dongcheng', "东城区 王科长", 'admin',
        [('quarantine', 'group_admin')], [], ['DEMO-DC']),
    ('dc01', "点长 王建国", 'site_manager',
        [('quarantine', 'group_site_manager')], ['DC01'], []),
    ('doctor', "医生 孙丽", 'medical',
        [('quarantine', 'group_medical')], ['DC01', 'DC02', 'XC01'], []),
    ('transfer', "转运组 赵强", 'transfer',
        [('quarantine_transfer', 'group_transfer')],
        ['DC01', 'DC02', 'XC01'], []),
    ('logistics', "后勤 刘敏", 'logistics',
        [('quarantine', 'group_logistics'), ('stock', 'group_stock'),
            ('purchase', 'group_purchase')], ['DC01', 'DC02', 'XC01'], []),
    ]


def demo_logins_path():
    "The demo logins' file, next to the admin's password (var/adminpass)"
    passfile = os.environ.get('TRYTONPASSFILE') or os.path.join(
        os.path.dirname(__file__), '..', 'var', 'adminpass')
    return os.path.join(os.path.dirname(os.path.abspath(passfile)),
        'demo-logins')


def new_password():
    # as scripts/setup_db.sh: within the password policy of trytond.conf
    while len(set(password := secrets.token_urlsafe(12))) < 12:
        pass
    return password


def load_users(company):
    """One login per role, in Chinese, with its sites or area and its
    dashboard; the passwords are written to demo_logins_path() (a login
    whose password is not there gets a new one)"""
    User = Model.get('res.user')
    Group = Model.get('res.group')
    Lang = Model.get('ir.lang')
    Site = Model.get('quarantine.site')
    Area = Model.get('quarantine.area')
    path = demo_logins_path()
    passwords = {}
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            passwords = dict(line.split()[:2] for line in f if line.strip())
    lang, = Lang.find([('code', '=', 'zh_CN')])
    sites = {s.code: s for s in Site.find([])}
    areas = {a.code: a for a in Area.find([])}
    for login, name, role, groups, site_codes, area_codes in DEMO_USERS:
        groups = [(m, g) for m, g in groups if activated(m)]
        if not groups:
            continue
        users = User.find([('login', '=', login)])
        if users and login in passwords:
            continue
        user = users[0] if users else User(login=login, name=name,
            language=lang)
        passwords[login] = user.password = new_password()
        if not users:
            for module, fs_id in groups:
                user.groups.append(Group(xml_id(module, fs_id)))
            for code in site_codes:
                user.quarantine_sites.append(Site(sites[code].id))
            for code in area_codes:
                user.quarantine_areas.append(Area(areas[code].id))
            if company:
                user.companies.append(type(company)(company.id))
                user.company = company
        user.save()
        action = board_action(role, login)
        if action and action not in [a.id for a in user.actions]:
            User.write([user.id], {'actions': [('add', [action])]},
                config.get_config().context)
    with open(path, 'w', encoding='utf-8') as f:
        os.chmod(path, 0o600)
        for login, *_ in DEMO_USERS:
            if login in passwords:
                f.write(f'{login} {passwords[login]}\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default='trytond.conf')
    args = parser.parse_args()
    global CONFIG_FILE
    CONFIG_FILE = args.config
    # proteus takes the backend from TRYTOND_DATABASE_URI, not from the
    # TRYTOND_DATABASE__URI setting that trytond reads.
    os.environ.setdefault('TRYTOND_DATABASE_URI',
        os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://'))
    config.set_trytond(args.database, config_file=args.config)
    set_language('zh_CN')
    company = create_company() if activated('company') else None
    if company:
        create_accounts(company)
    finish_setup()
    areas = load_areas()
    sites = load_sites(areas)
    load_staff(sites)
    load_residents(sites)
    demo_turnover(sites)
    load_supply(sites)
    # the logins first: the medical staff is told of the day's positive
    load_users(company)
    load_day()
    print(f"Demo city: {len(sites)} new sites loaded into {args.database}",
        file=sys.stderr)


if __name__ == '__main__':
    main()
