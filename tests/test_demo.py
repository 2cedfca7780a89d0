"""`make run`'s database: scripts/setup_db.sh then scripts/load_demo.py, on
SQLite in a temporary directory, as the Makefile runs them.

The demo city completes Tryton's set-up (no set-up wizard is left for the
first login, the admin reads Chinese and lands on the city's dashboard,
the purchase flow has its accounts) and shows the day's work: a bus waiting
for allocation, the laboratories' results of yesterday and the samples of
today, residents due for release today with both exit specimens, a positive
with the transfer to hospital requested, a transfer under way, a late daily
report, a price-watch alert and a login per role.  Loading it a second time
adds nothing.
"""
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# Its own SQLite database, as `make run`: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_only

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DB_NAME = 'demo'

# What the demo holds, read through proteus (printed as JSON)
_FACTS = textwrap.dedent('''\
    import datetime as dt, json, sys
    from proteus import Model, config
    config.set_trytond(sys.argv[1], config_file=sys.argv[2])
    today = dt.date.today()
    def get(name):
        return Model.get(name)
    Stay, Sample = get('quarantine.stay'), get('quarantine.sample')
    User = get('res.user')
    admin, = User.find([('login', '=', 'admin')])
    ActWindow = get('ir.action.act_window')
    ModelData = get('ir.model.data')
    board = ActWindow(ModelData.get_id('quarantine', 'act_board_admin', {}))
    waiting = Stay.find([('state', '=', 'draft'), ('site', '=', None)])
    due = Stay.find([('state', '=', 'admitted'), ('end_date', '=', today)])
    exits = {s.person.name: sorted(
            (x.result, x.institution.name if x.institution else None,
                x.reagent) for x in Sample.find([('stay', '=', s.id),
                    ('exit_sample', '=', True)]))
        for s in due}
    Transfer = get('quarantine.transfer')
    Submission = get('quarantine.daily_report.submission')
    Account = get('account.account')
    Configuration = get('account.configuration')
    account_config = Configuration(1)
    FiscalYear = get('account.fiscalyear')
    Category = get('product.category')
    counts = {name: len(get(name).find([]))
        for name in ['party.party', 'quarantine.stay', 'quarantine.sample',
            'quarantine.vehicle', 'quarantine.transfer',
            'quarantine.transfer.line', 'quarantine.daily_report.submission',
            'res.user', 'account.account', 'account.fiscalyear',
            'account.period', 'company.company', 'quarantine.site',
            'quarantine.room', 'quarantine.staff', 'quarantine.staff.test',
            'purchase.purchase',
            'quarantine.supply.contract', 'quarantine.supply.price']}
    print(json.dumps({
        'open_items': [i.rec_name for i in get(
                'ir.module.config_wizard.item').find(
                [('state', '=', 'open')])],
        'admin_language': admin.language.code if admin.language else None,
        'admin_actions': [a.id for a in admin.actions],
        'admin_board': board.action.id,
        'admin_company': admin.company.rec_name if admin.company else None,
        'waiting': sorted((s.person.name, s.group_name or '',
                sorted(s.special_needs or []),
                s.companion_of.person.name if s.companion_of else '')
            for s in waiting),
        'due_today': len(Sample.find([('planned_date', '=', today),
                    ('result', '=', 'pending')])),
        'pending_before_today': len(Sample.find([
                    ('planned_date', '<', today), ('result', '=', 'pending'),
                    ('stay.state', '=', 'admitted')])),
        'negative_yesterday': len(Sample.find([
                    ('planned_date', '=', today - dt.timedelta(days=1)),
                    ('result', '=', 'negative')])),
        'exits': exits,
        'positive': [(l.person.name, l.transfer.state,
                l.transfer.destination or '')
            for l in get('quarantine.transfer.line').find(
                [('positive', '=', True)])],
        'under_way': [(t.origin, t.to_site.code if t.to_site else None,
                t.vehicle.plate if t.vehicle else None, t.person_count)
            for t in Transfer.find([('state', '=', 'dispatched')])],
        'late_reports': [(s.site.code, str(s.date)) for s in Submission.find(
                [('late', '=', True)])],
        'staff_tests': sorted({(str(t.date), t.result) for t in get(
                    'quarantine.staff.test').find([])}),
        'users': {u.login: sorted(g.id for g in u.groups)
            for u in User.find([('login', '!=', 'admin')])},
        'default_payable': bool(account_config.default_account_payable),
        'default_receivable': bool(account_config.default_account_receivable),
        'fiscal_year_today': len(FiscalYear.find([
                    ('start_date', '<=', today), ('end_date', '>=', today)])),
        'accounting_categories': [c.name for c in Category.find(
                [('accounting', '=', True)])],
        'counts': counts,
        'areas_to_expand': [(a.name, a.occupied_rooms, a.rooms_in_service,
                a.rooms_to_add, a.suggested_site.code if a.suggested_site
                else None, a.suggested_site_rooms) for a in get(
                'quarantine.area').find([('expansion_alert', '=', True)])],
        }, ensure_ascii=False))
    ''')

# Each role's journey of README.md, started from the demo as that user
_JOURNEYS = textwrap.dedent('''\
    import datetime as dt, json, sys
    from decimal import Decimal
    from proteus import Model, Wizard, config
    database, config_file = sys.argv[1:3]
    today = dt.date.today()
    def login(user):
        config.set_trytond(database, user=user,
            config_file=config_file).skip_warning = True
    out = {}
    login('doctor')
    out['doctor_told'] = [n.description or '' for n in Model.get(
            'res.notification').find([])]
    login('logistics')
    Price, Plan = Model.get('quarantine.supply.price'), Model.get(
        'quarantine.supply.plan')
    Product = Model.get('product.product')
    out['prices_today'] = len(Price.find([('date', '=', today)]))
    out['price_alerts'] = [[p.product.rec_name, p.market, str(p.date),
            str(p.week_ago_price), str(p.price), round(p.weekly_rise, 4),
            p.grade] for p in Price.find([('grade', '!=', None)])]
    out['graded_products'] = [[p.rec_name, p.price_grade]
        for p in Product.find([('price_grade', '!=', None)])]
    out['plan_alerts'] = sorted([p.site.rec_name if p.site
            else p.warehouse.rec_name, str(p.date), p.price_alert,
            p.price_alert_products or ''] for p in Plan.find([]))
    # The logistics dashboard's panels of the market: what their actions
    # list for the logistics officer
    from trytond.pyson import PYSONDecoder
    ActWindow, ModelData = Model.get('ir.action.act_window'), Model.get(
        'ir.model.data')
    def panel(fs_id):
        action = ActWindow(ModelData.get_id('quarantine_supply', fs_id, {}))
        return Model.get(action.res_model).find(
            PYSONDecoder({}).decode(action.pyson_domain))
    out['board_tasks'] = [[t.response.level, t.response.state, t.owner,
            bool(t.description), t.done] for t in panel(
            'act_dashboard_market_tasks')]
    Contract = Model.get('quarantine.supply.contract')
    out['board_missing'] = sorted(c.rec_name
        for c in panel('act_survey_missing'))
    out['active_contracts'] = sorted(c.rec_name
        for c in Contract.find([('state', '=', 'active')]))
    # Ruijin's stocking table, as the logistics officer prints it
    import base64
    from proteus import Report
    ruijin, = Plan.find([('population_source', '=', 'served')])
    out['ruijin_plan'] = [ruijin.state, ruijin.reserve_days,
        ruijin.population] + [base64.b64encode(bytes(Report(name).execute(
                    [ruijin])[1])).decode() for name in [
            'quarantine.supply.plan.guidance', 'quarantine.supply.plan.sheet']]
    # a site's stocking table: its lines (supplier, people, needed,
    # ordered) and its PDF
    out['site_plans'] = [[p.site.rec_name, p.population, [[
                    l.supplier.rec_name if l.supplier else '', l.population,
                    l.required - l.on_hand - l.incoming, l.to_order]
                for l in p.lines], base64.b64encode(bytes(Report(
                    'quarantine.supply.plan.guidance').execute([p])[1])
                ).decode()]
        for p in Plan.find([('scope', '=', 'site')])]
    login('dc01')
    Stay, Site = Model.get('quarantine.stay'), Model.get('quarantine.site')
    waiting = Stay.find([('state', '=', 'draft'), ('site', '=', None)])
    site, = Site.find([('code', '=', 'DC01')])
    allocate = Wizard('quarantine.stay.allocate', waiting)
    allocate.form.site = site
    allocate.execute('allocate')
    out['allocated'] = {s.person.name: [s.state, s.room.rec_name,
            s.room.floor, s.room.accessible]
        for s in Stay.find([('id', 'in', [s.id for s in waiting])])}
    login('doctor')
    Stay = Model.get('quarantine.stay')
    due = Stay.find([('state', '=', 'admitted'), ('end_date', '=', today)])
    for stay in due:
        stay.click('release')
    out['released'] = sorted([s.person.name, s.state,
            bool(s.certificate_number)]
        for s in Stay.find([('id', 'in', [s.id for s in due])]))
    login('transfer')
    Transfer = Model.get('quarantine.transfer')
    Vehicle = Model.get('quarantine.vehicle')
    hospital, = Transfer.find([('state', '=', 'requested')])
    hospital.vehicle, = Vehicle.find([('plate', '=', '赣A·1200F')])
    hospital.save()
    hospital.click('dispatch')
    bus, = Transfer.find([('state', '=', 'dispatched'),
            ('vehicle.plate', '=', '赣A·Z0101')])
    # the persons received counted against the list (Ruijin L1680)
    bus.received_count = len(bus.lines)
    bus.click('arrive')
    Stay = Model.get('quarantine.stay')
    out['transfers'] = sorted([t.vehicle.plate, t.state]
        for t in Transfer.find([('id', 'in', [hospital.id, bus.id])]))
    out['handed_over'] = sorted(s.person.name for s in Stay.find([
                ('state', '=', 'draft'), ('site.code', '=', 'DC02')]))
    login('admin')
    Party, Template = Model.get('party.party'), Model.get('product.template')
    Category, Uom = Model.get('product.category'), Model.get('product.uom')
    Location = Model.get('stock.location')
    Purchase = Model.get('purchase.purchase')
    PaymentTerm = Model.get('account.invoice.payment_term')
    category, = Category.find([('accounting', '=', True)])
    kg, = Uom.find([('symbol', '=', 'kg')])
    rice = Template(name="大米", type='goods', default_uom=kg,
        purchasable=True, account_category=category,
        list_price=Decimal(5))
    rice.save()
    supplier = Party(name="示范市粮油公司")
    supplier.save()
    warehouse = Location.find([('type', '=', 'warehouse')], limit=1)[0]
    purchase = Purchase(party=supplier, warehouse=warehouse,
        invoice_method='order')
    line = purchase.lines.new(product=rice.products[0], quantity=100)
    line.unit_price = Decimal(4)
    purchase.save()
    purchase.click('quote')
    purchase.click('confirm')
    invoice, = purchase.invoices
    invoice.invoice_date = today
    invoice.payment_term = PaymentTerm.find([], limit=1)[0]
    invoice.save()
    invoice.click('validate_invoice')
    invoice.click('post')
    purchase.reload()
    invoice.reload()
    out['purchase'] = [purchase.state, len(purchase.moves), invoice.state,
        str(invoice.total_amount)]
    print(json.dumps(out, ensure_ascii=False))
    ''')


def _run(cmd, env, what):
    start = time.monotonic()
    proc = subprocess.run([str(c) for c in cmd], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=900)
    elapsed = time.monotonic() - start
    assert not proc.returncode, (
        f'{what} failed (exit {proc.returncode}):\n{proc.stdout[-6000:]}')
    print(f'{what}: {elapsed:.1f}s')
    return proc.stdout


@pytest.fixture(scope='module')
def demo(tmp_path_factory):
    "The demo built twice; its facts after the first and the second load"
    tmp = tmp_path_factory.mktemp('demo')
    env = dict(os.environ)
    for name in ['TRYTOND_DATABASE__URI', 'TRYTOND_CONFIG', 'DB_NAME',
            'DB_CACHE']:
        env.pop(name, None)
    env.update({
            'TRYTOND_DATABASE__PATH': str(tmp / 'db'),
            'TRYTONPASSFILE': str(tmp / 'adminpass'),
            'TRYTOND_DATABASE_URI': 'sqlite://',
            })
    python = BIN / 'python'
    load = [python, '-O', REPO / 'scripts' / 'load_demo.py', '-d', DB_NAME,
        '-c', REPO / 'trytond.conf']
    facts = [python, '-O', '-c', _FACTS, DB_NAME, REPO / 'trytond.conf']
    _run([REPO / 'scripts' / 'setup_db.sh', DB_NAME], env, 'setup_db.sh')
    _run(load, env, 'load_demo.py')
    first = json.loads(_run(facts, env, 'facts').splitlines()[-1])
    logins = (tmp / 'demo-logins').read_text(encoding='utf-8')
    _run(load, env, 'load_demo.py again')
    second = json.loads(_run(facts, env, 'facts').splitlines()[-1])
    journeys = json.loads(_run([python, '-O', '-c', _JOURNEYS, DB_NAME,
                REPO / 'trytond.conf'], env, 'journeys').splitlines()[-1])
    return {'first': first, 'second': second, 'logins': logins,
        'journeys': journeys,
        'logins_after': (tmp / 'demo-logins').read_text(encoding='utf-8'),
        'tmp': tmp}


def test_setup_done(demo):
    "No set-up wizard at first login: the admin reads Chinese, sees the board"
    facts = demo['first']
    assert facts['open_items'] == []
    assert facts['admin_language'] == 'zh_CN'
    assert facts['admin_actions'] == [facts['admin_board']]
    assert facts['admin_company'] == "示范市疫情防控指挥部"


def test_accounts(demo):
    "The purchase flow's accounts: a chart, its defaults, this year"
    facts = demo['first']
    assert facts['counts']['account.account'] > 0
    assert facts['default_payable'] and facts['default_receivable']
    assert facts['fiscal_year_today'] == 1
    assert facts['counts']['account.period'] >= 12
    assert facts['accounting_categories'] == ["保障物资"]


def test_waiting_bus(demo):
    "A bus waits for allocation: a family with a child, elderly, wheelchair"
    assert demo['first']['waiting'] == sorted([
            ["刘芳", "陈家", [], "陈小宇"],
            ["陈小宇", "陈家", ["child"], ""],
            ["陈建华", "陈家", [], ""],
            ["王秀兰", "", ["elderly"], ""],
            ["张国强", "", ["disabled"], ""],
            ])


def test_samples(demo):
    "Today's samples are due, every earlier one has its result"
    facts = demo['first']
    assert facts['due_today'] > 0
    assert facts['pending_before_today'] == 0
    assert facts['negative_yesterday'] > 0


def test_release_today(demo):
    "Residents whose 14 days end today, with two exit specimens each"
    exits = demo['first']['exits']
    assert sorted(exits) == sorted(["黄志明", "林雪梅", "吴海涛"])
    for name, specimens in exits.items():
        assert specimens == [
            ['negative', "华大基因示范市医学检验所", "华大基因"],
            ['negative', "示范市疾控中心", "圣湘"],
            ], name


def test_positive_transfer(demo):
    "The positive's transfer to hospital is requested"
    (name, state, destination), = demo['first']['positive']
    assert (name, state) == ("郭建军", 'requested')
    assert destination


def test_transfer_under_way(demo):
    assert demo['first']['under_way'] == [["人民路社区", 'DC02', "赣A·Z0101", 2]]


def test_late_daily_report(demo):
    "The report of two days ago, due yesterday at 09:00, submitted late"
    date = dt.date.today() - dt.timedelta(days=2)
    assert demo['first']['late_reports'] == [['DC02', str(date)]]


def test_staff_tests(demo):
    """The staff tests list is not empty at first login: yesterday's
    negative, today's to take"""
    today = dt.date.today()
    assert demo['first']['staff_tests'] == [
        [str(today - dt.timedelta(days=1)), 'negative'],
        [str(today), 'pending']]
    assert demo['first']['counts']['quarantine.staff.test'] > 0


def test_logins(demo):
    "A login per role, its password next to the admin's"
    users = demo['first']['users']
    logins = dict(line.split() for line in demo['logins'].splitlines())
    assert sorted(logins) == sorted(
        ['city', 'dongcheng', 'dc01', 'doctor', 'transfer', 'logistics'])
    assert set(logins) <= set(users)
    assert all(users[login] for login in logins)
    mode = (demo['tmp'] / 'demo-logins').stat().st_mode & 0o777
    assert mode == 0o600, oct(mode)
    # the second load keeps the passwords
    assert demo['logins_after'] == demo['logins']


def test_second_load_adds_nothing(demo):
    first, second = demo['first'], demo['second']
    assert second['counts'] == first['counts']
    assert second['waiting'] == first['waiting']
    assert second['late_reports'] == first['late_reports']


def test_site_manager_allocates_the_bus(demo):
    """dc01 allocates the waiting bus to 东城区隔离酒店一号: the child with
    its guardian, the elderly and the wheelchair user on the accessible
    floor"""
    allocated = demo['journeys']['allocated']
    assert {n: v[0] for n, v in allocated.items()} == dict.fromkeys(
        ["陈建华", "刘芳", "陈小宇", "王秀兰", "张国强"], 'admitted')
    assert allocated["陈小宇"][1] == allocated["刘芳"][1]
    assert allocated["陈建华"][2] == allocated["刘芳"][2]
    for name in ["王秀兰", "张国强"]:
        assert allocated[name][2:] == ['2', True], allocated[name]


def test_doctor_told_of_positive(demo):
    "The medical staff was told of the positive when it was recorded"
    told = demo['journeys']['doctor_told']
    assert len(told) == 1 and "郭建军" in told[0], told


def test_doctor_releases_due_residents(demo):
    assert demo['journeys']['released'] == sorted([
            ["黄志明", 'released', True], ["林雪梅", 'released', True],
            ["吴海涛", 'released', True]])


def test_transfer_team_moves(demo):
    "The ambulance takes the positive, the bus hands its persons over"
    journeys = demo['journeys']
    assert journeys['transfers'] == [
        ["赣A·1200F", 'dispatched'], ["赣A·Z0101", 'arrived']]
    assert journeys['handed_over'] == sorted(["何晓东", "罗佩琳"])


def test_purchase_processed(demo):
    """With the demo's accounts a purchase is confirmed, its goods expected
    and its supplier invoice posted"""
    assert demo['journeys']['purchase'] == ['processing', 1, 'posted',
        '400.00']


def test_price_watch_alert(demo):
    """The logistics officer sees 蔬菜 up 25 % in a week at 国光超市 (a
    mild abnormality) among the abnormal prices, on the product and on
    the plans that buy it; the other necessities are priced today too"""
    journeys = demo['journeys']
    today = dt.date.today()
    assert journeys['prices_today'] == 7
    assert journeys['price_alerts'] == [["蔬菜", "国光超市", str(today),
            '4.0000', '5.0000', 0.25, 'mild']]
    assert journeys['graded_products'] == [["蔬菜", 'mild']]
    plans = journeys['plan_alerts']
    # the two sites' plans and Ruijin's stocking table
    assert len(plans) == 3
    for site, date, alert, products in plans:
        assert (date, alert, products) == (str(today), True, "蔬菜（轻度）"), \
            site


def test_market_panels_on_board(demo):
    """At first login the logistics dashboard lists the tasks of the demo's
    open market response (蔬菜 up 25 %: mild, three departments) and every
    contracted supplier, none having sent today's supply survey"""
    journeys = demo['journeys']
    assert journeys['board_tasks'] == [
        ['mild', 'open', owner, True, False]
        for owner in ["市商务局", "市市场监管局", "市交通运输局"]]
    assert journeys['active_contracts']
    assert journeys['board_missing'] == journeys['active_contracts']


def test_area_to_expand(demo):
    """西城区 is over the 75 % alert: the least rooms that bring it back
    under, and its standby site (all its rooms out of service) to activate
    (Henan L251, Chongqing L167)"""
    (name, occupied, in_service, to_add, site, rooms), = demo['first'][
        'areas_to_expand']
    assert name == "西城区"
    assert occupied >= 0.75 * in_service
    assert occupied < 0.75 * (in_service + to_add)
    assert occupied >= 0.75 * (in_service + to_add - 1)
    with open(REPO / 'data' / 'demo_city' / 'sites.csv', encoding='utf-8',
            newline='') as f:
        sites = {r['code']: r for r in csv.DictReader(f)}
    standby = sites['XC02']
    assert (site, standby['state']) == ('XC02', 'standby')
    assert rooms == (int(standby['floor_to']) - int(standby['floor_from'])
        + 1) * (int(standby['number_to']) - int(standby['number_from']) + 1)


def test_ruijin_stocking_table(demo):
    """The demo's Ruijin plan (the population each supermarket serves, 7
    days) prints and exports the seed's table (附件1, transcribed in
    data/demo_city/ruijin_stocking_table.csv) cell for cell, within
    0.01 t"""
    import base64
    import io
    import re

    from openpyxl import load_workbook
    from pypdf import PdfReader
    state, days, population, pdf, xlsx = demo['journeys']['ruijin_plan']
    with open(REPO / 'data' / 'demo_city' / 'ruijin_stocking_table.csv',
            encoding='utf-8', newline='') as f:
        rows = list(csv.DictReader(l for l in f if not l.startswith('#')))
    products = list(rows[0])[3:]
    expected = {r['企业名称']: [int(r['保障人数'])]
        + [float(r[p]) for p in products] for r in rows}
    assert (state, days, population) == ('computed', 7, sum(
            e[0] for e in expected.values()))
    text = ''.join(p.extract_text() for p in PdfReader(io.BytesIO(
                base64.b64decode(pdf))).pages)
    for name, cells in expected.items():
        printed = [float(t) for t in text[text.index(name) + len(name):]
            .split() if re.fullmatch(r'\d+(\.\d+)?', t)][:len(cells)]
        assert printed[0] == cells[0], name
        assert all(abs(a - b) <= 0.01 for a, b in zip(printed, cells)), (
            name, printed, cells)
    sheet = load_workbook(io.BytesIO(base64.b64decode(xlsx))).worksheets[0]
    assert [c.value for c in sheet[2]] == ["序号", "企业名称", "保障社区",
        "保障人数"] + [f"{p}(吨)" for p in products]
    table = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in table] == list(expected) + ["合计"]
    for row in table[:-1]:
        cells = expected[row[1]]
        assert row[3] == cells[0]
        assert all(abs(a - b) <= 0.01 for a, b in zip(row[4:], cells[1:])), (
            row, cells)
    assert table[-1][3] == population


def test_site_stocking_table(demo):
    """A site's stocking table in the demo: each supermarket's row names
    the site it feeds, not its communities, and the people it feeds (the
    most of one product), the total the site's residents; an order raised
    to the supermarket's minimum (a few residents' noodles) is noted with
    its need"""
    import base64
    import io

    from pypdf import PdfReader
    with open(REPO / 'data' / 'demo_city' / 'suppliers.csv',
            encoding='utf-8', newline='') as f:
        communities = {r['社区/村'] for r in csv.DictReader(f)
            if r['社区/村']}
    plans = demo['journeys']['site_plans']
    assert len(plans) == 2
    for site, population, lines, pdf in plans:
        text = ''.join(p.extract_text() for p in PdfReader(io.BytesIO(
                    base64.b64decode(pdf))).pages)
        assert "保障对象" in text and "保障社区" not in text
        assert not [c for c in communities if c in text], site
        fed = {}
        for supplier, people, _, _ in lines:
            fed[supplier] = max(fed.get(supplier, 0), people)
        assert max(fed.values()) == population
        rows = [l for l in text.splitlines() if len(l.split()) > 2
            and l.split()[0].isdigit() and l.split()[1] in fed]
        assert len(rows) == len(fed), (site, rows)
        for row in rows:
            index, supplier, *rest = row.split()
            assert ' '.join(rest).startswith(f"{site} {fed[supplier]} "), row
        total = text[text.index("合计"):].split()
        assert total[1] == str(population)
        raised = [l for l in lines if l[3] > round(max(l[2], 0), 2) + 0.01]
        assert raised, site  # the demo's sites are small
        assert "按起订量订购" in text
        notes = text[text.index("按起订量订购"):].replace("\n", "")
        for supplier, _, _, _ in raised:
            assert f"{supplier} " in notes, (site, supplier)
