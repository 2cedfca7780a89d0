# Crosses the three modules: the access matrix of issue 15.
"""Every role × every model, wizard, report and RPC method of the three
modules, over JSON-RPC as the web client talks (trytond's WSGI application
in this process), against tests/access_matrix.py — the data the README's
"Security" tables are generated from (scripts/access_table.py).

The small city of addons/quarantine/tests/city.py (sites A and B, a user of
each role) gets transfer and supply records of A and B here. A refused
cell must be refused with a clean error and leave the database as it was;
an allowed create is deleted afterwards, an allowed delete takes a record
made for it, an allowed write writes the value the field holds."""
import datetime as dt
import io
import itertools
import sys
import unittest
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sql.aggregate import Count, Max, Sum

from trytond.model import ModelSQL, ModelStorage, fields
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.quarantine.tests.city import CityTestCase
from trytond.modules.quarantine.tests.rpc import RPCError
from trytond.modules.quarantine.tests.tools import create_person, make_ric
from trytond.pool import Pool, isregisteredby
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.wizard import StateAction, StateReport, StateTransition

import access_matrix as matrix

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'scripts'))
import access_table  # noqa: E402

MODULES = ['quarantine', 'quarantine_transfer', 'quarantine_supply']
SITES = ['a', 'b']
_serial = itertools.count(1)


def serial():
    return next(_serial)


def new_person(name="居民"):
    "A resident's party with a new identity number"
    n = serial()
    birth = (dt.date(1960, 1, 1) + dt.timedelta(days=n)).strftime('%Y%m%d')
    return create_person(f"{name}{n}", birth=birth, sequence=f'{n % 900 + 100}')


def workbook(columns, rows):
    "The bytes of a sheet of titles and rows"
    book = Workbook()
    book.active.append([title for _, title, _ in columns])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


class Fixtures:
    """The records of A and B of each model (`rows`), the values of a new
    one (`values(site)`, run as root) and the field a write rewrites"""

    def __init__(self, city):
        self.city = city
        self.ids = {}
        self.rows = {}
        self.fields = {}
        self.today = dt.date.today()

    # What the city lacks: a company, products, supply and transfer records
    def build(self):
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        Site = pool.get('quarantine.site')
        Stay = pool.get('quarantine.stay')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        Party = pool.get('party.party')
        Group = pool.get('res.group')
        city, ids = self.city, self.ids
        ids['regime'] = Regime.search([('code', '=', 'centralized_14')])[0].id
        ids['kg'] = Uom.search([('symbol', '=', 'kg')])[0].id
        ids['reserve'] = Location.search([('code', '=', 'WH')])[0].id
        ids['lost'] = Location.search(
            [('type', '=', 'lost_found')], limit=1)[0].id
        ids['institution'] = Party.create([{'name': "检测机构"}])[0].id
        ids['group'] = Group.create([{'name': "Matrix"}])[0].id
        ids['warehouse'] = {k: Site(city['sites'][k]).warehouse.storage_location.id
            for k in SITES}
        ids['product'] = self.product().id
        # a stay of each site that no cell changes, for transfers
        ids['stays'] = {k: city['stays'][k] for k in SITES}
        ids['persons'] = {k: Stay(s).person.id
            for k, s in ids['stays'].items()}
        # an intake: a draft stay without site, visible to the site roles
        ids['intake'] = self.stay(None).id
        # a released stay of each site, for the certificates
        ids['released'] = {}
        CertificateKey = pool.get('quarantine.certificate.key')
        for k in SITES:
            stay = self.stay(k)
            Stay.write([stay], {'state': 'released',
                    'release_date': self.today,
                    'certificate_number': f'JC{serial():08d}',
                    'certificate_key': CertificateKey.current()})
            ids['released'][k] = stay.id
        contract = self.contract(sites=[city['sites'][k] for k in SITES])
        pool.get('quarantine.supply.contract').activate([contract])
        ids['contract'] = contract.id
        for model in sorted(matrix.MODELS):
            if set(matrix.MODELS[model]['city_admin']) == {'x'}:
                continue
            if model == 'quarantine.configuration':
                config = pool.get(model).get_singleton()
                self.rows[model] = {'a': config.id, 'b': config.id}
            elif model == 'quarantine.site':
                self.rows[model] = dict(city['sites'])
            elif model == 'quarantine.stay':
                self.rows[model] = {k: city['stays'][k] for k in SITES}
            elif model == 'party.party':
                self.rows[model] = dict(ids['persons'])
            elif model == 'party.identifier':
                Identifier = pool.get('party.identifier')
                self.rows[model] = {k: Identifier.search([
                            ('party', '=', ids['persons'][k]),
                            ('type', '=', 'cn_ric')])[0].id for k in SITES}
            elif model == 'quarantine.sample':
                self.rows[model] = {k: city['samples'][k][0] for k in SITES}
            else:
                Model = pool.get(model)
                self.rows[model] = {k: Model.create([self.values(model, k)])[0].id
                    for k in SITES}
            self.fields[model] = self.field(model)

    def field(self, model):
        "The field a write cell rewrites with the value it holds"
        return {
            'quarantine.configuration': 'minimum_site_rooms',
            'quarantine.area': 'name', 'quarantine.regime': 'name',
            'quarantine.deadline': 'hours',
            'quarantine.site': 'name', 'quarantine.room': 'notes',
            'quarantine.room.turnover': 'notes', 'quarantine.staff': 'role',
            'quarantine.staff.test': 'reagent',
            'quarantine.stay': 'notes',
            'quarantine.stay.end_date_change': 'reason',
            'quarantine.stay.room_change': 'reason',
            'quarantine.sample': 'reagent',
            'quarantine.monitoring': 'temperature',
            'quarantine.home_monitoring': 'notes',
            'quarantine.daily_report.submission': 'date',
            'quarantine.commission.export': 'row_count',
            'party.party': 'name', 'party.identifier': 'code',
            'party.address': 'street', 'party.contact_mechanism': 'value',
            'quarantine.access.log': 'what',
            'quarantine.certificate.key': 'key_id',
            'quarantine.certificate.verification_attempt': 'ip_network',
            'quarantine.vehicle': 'plate',
            'quarantine.vehicle.disinfection': 'notes',
            'res.user': 'name', 'res.user-quarantine.site': 'site',
            'res.user-quarantine.area': 'area', 'res.user-res.group': 'group',
            'ir.rule': 'domain', 'ir.cron': 'interval_number',
            'ir.translation': 'value',
            'quarantine.transfer': 'driver',
            'quarantine.transfer.line': 'phone',
            'quarantine.supply.contract': 'trucks',
            'quarantine.supply.contract.line': 'daily_capacity',
            'quarantine.supply.contract.community': 'population',
            'quarantine.supply.contract-quarantine.site': 'site',
            'quarantine.supply.norm': 'quantity',
            'quarantine.supply.driver_test': 'result',
            'quarantine.supply.price': 'price',
            'quarantine.supply.market.incident': 'notes',
            'quarantine.supply.market.response': 'date',
            'quarantine.supply.market.response.task': 'owner',
            'quarantine.supply.survey': 'date',
            'quarantine.supply.survey.line': 'stock',
            'quarantine.supply.plan': 'reserve_days',
            'quarantine.supply.plan-quarantine.site': 'site',
            'quarantine.supply.plan.line': 'to_order',
            'quarantine.supply.dispatch': 'handover_point',
            'quarantine.supply.dispatch.line': 'quantity',
            'quarantine.supply.allocation': 'reason',
            'quarantine.supply.allocation.line': 'quantity',
            'purchase.purchase': 'description', 'stock.move': 'quantity',
            'product.template': 'name', 'product.product': 'suffix_code',
            }[model]

    # Records the values need, made as root
    def product(self):
        Template = Pool().get('product.template')
        template, = Template.create([{'name': f"物资{serial()}",
                    'type': 'goods', 'default_uom': self.ids['kg'],
                    'purchasable': True, 'purchase_uom': self.ids['kg'],
                    'price_monitored': True,
                    'products': [('create', [{}])]}])
        return template.products[0]

    def stay(self, site, **values):
        Stay = Pool().get('quarantine.stay')
        stay, = Stay.create([dict({
                        'person': new_person().id,
                        'regime': self.ids['regime'],
                        'site': self.city['sites'][site] if site else None,
                        'arrival_date': self.today,
                        'exposure_date': self.today - dt.timedelta(days=2),
                        }, **values)])
        return stay

    def room(self, site):
        Room = Pool().get('quarantine.room')
        room, = Room.create([{'site': self.city['sites'][site],
                    'name': f'M{serial()}'}])
        return room

    def contract(self, sites=()):
        pool = Pool()
        Contract = pool.get('quarantine.supply.contract')
        Party = pool.get('party.party')
        supplier, = Party.create([{'name': f"供应商{serial()}",
                    'addresses': [('create', [{'street': "解放路1号"}])]}])
        contract, = Contract.create([{
                    'supplier': supplier.id, 'kind': 'supermarket',
                    'trucks': 1, 'lead_days': 1,
                    'start_date': self.today - dt.timedelta(days=10),
                    'sites': [('add', list(sites))],
                    'lines': [('create', [{
                                    'product': self.ids['product'],
                                    'unit': self.ids['kg'],
                                    'daily_capacity': 100,
                                    'unit_price': Decimal('5'),
                                    }])],
                    }])
        return contract

    def user(self):
        User = Pool().get('res.user')
        n = serial()
        user, = User.create([{'login': f'matrix{n}', 'name': f"M{n}"}])
        return user.id

    def values(self, model, site):
        """The values of a new record of model in site ('a', 'b'; None for
        a record of no site), its prerequisites created as root"""
        pool = Pool()
        ids, today = self.ids, self.today
        n = serial()
        site_id = self.city['sites'][site] if site else None
        now = dt.datetime.now()
        if model == 'quarantine.area':
            return {'name': f"区{n}", 'code': f'Z{n}', 'population': 1000}
        if model == 'quarantine.deadline':
            return {'kind': 'bulk', 'hours': 100 + n}
        if model == 'quarantine.regime':
            return {'name': f"方案{n}", 'code': f'matrix_{n}',
                'duration_days': 7, 'count_from': 'arrival',
                'test_days': '1,7'}
        if model == 'quarantine.site':
            return {'code': f'N{n}', 'name': f"新隔离点{n}"}
        if model == 'quarantine.room':
            return {'site': site_id, 'name': f'N{n}'}
        if model == 'quarantine.room.turnover':
            return {'room': self.room(site).id, 'vacated_at': now}
        if model == 'quarantine.staff':
            Party = pool.get('party.party')
            return {'site': site_id, 'role': 'medical',
                'party': Party.create([{'name': f"员工{n}"}])[0].id}
        if model == 'quarantine.staff.test':
            Staff = pool.get('quarantine.staff')
            staff, = Staff.create([self.values('quarantine.staff', site)])
            return {'site': site_id, 'staff': staff.id,
                'date': today - dt.timedelta(days=n)}
        if model == 'quarantine.stay':
            return {'person': new_person().id, 'regime': ids['regime'],
                'site': site_id, 'arrival_date': today,
                'exposure_date': today - dt.timedelta(days=2)}
        if model == 'quarantine.stay.end_date_change':
            return {'stay': self.stay(site).id, 'reason': "复核",
                'new_end_date': today + dt.timedelta(days=20)}
        if model == 'quarantine.stay.room_change':
            return {'stay': self.stay(site).id, 'reason': "调房",
                'new_room': self.room(site).id}
        if model == 'quarantine.sample':
            return {'stay': self.stay(site).id, 'day': 1,
                'planned_date': today}
        if model == 'quarantine.monitoring':
            return {'stay': self.city['stays'][site], 'period': 'morning',
                'date': today - dt.timedelta(days=n), 'temperature': 36.5}
        if model == 'quarantine.home_monitoring':
            return {'stay': self.city['stays'][site], 'day': 1,
                'planned_date': today + dt.timedelta(days=n)}
        if model == 'quarantine.daily_report.submission':
            return {'site': site_id, 'date': today - dt.timedelta(days=n),
                'submitted_at': now}
        if model == 'quarantine.commission.export':
            return {'kind': 'close_contacts',
                'date': today - dt.timedelta(days=n), 'deadline': now,
                'generated_at': now, 'row_count': 0}
        if model == 'party.party':
            return {'name': f"新人员{n}"}
        if model == 'party.identifier':
            return {'party': ids['persons'][site], 'code': f'V{n}'}
        if model == 'party.address':
            return {'party': ids['persons'][site], 'street': f"幸福路{n}号"}
        if model == 'party.contact_mechanism':
            return {'party': ids['persons'][site], 'type': 'phone',
                'value': f'1380000{n:04d}'}
        if model == 'quarantine.access.log':
            return {'user': self.user(), 'logged_at': now,
                'what': 'quarantine.stay.ledger', 'site': site_id,
                'person_count': 1}
        if model == 'quarantine.vehicle':
            if site == 'a':
                return {'kind': 'truck', 'seats': 0, 'number': 1000 + n,
                    'plate': f'赣T{n:05d}'}
            return {'kind': 'bus', 'seats': 30, 'plate': f'赣B{n:05d}'}
        if model == 'quarantine.vehicle.disinfection':
            Vehicle = pool.get('quarantine.vehicle')
            vehicle, = Vehicle.create([self.values('quarantine.vehicle', site)])
            return {'vehicle': vehicle.id, 'disinfected_at': now,
                'disinfected_by': ids['institution']}
        if model == 'res.user':
            return {'login': f'matrix{n}', 'name': f"M{n}"}
        if model == 'res.user-quarantine.site':
            return {'user': self.user(), 'site': site_id}
        if model == 'res.user-quarantine.area':
            Area = pool.get('quarantine.area')
            area, = Area.create([self.values('quarantine.area', site)])
            return {'user': self.user(), 'area': area.id}
        if model == 'res.user-res.group':
            return {'user': self.user(), 'group': ids['group']}
        if model == 'ir.rule':
            RuleGroup = pool.get('ir.rule.group')
            group, = RuleGroup.create([{'name': f"Matrix {n}",
                        'model': 'ir.lang',
                        'global_p': False}])
            return {'rule_group': group.id, 'domain': '[]'}
        if model == 'ir.translation':
            return {'name': 'ir.lang,name', 'lang': 'zh_CN',
                'type': 'field', 'res_id': -1, 'src': f"Matrix {n}",
                'value': f"矩阵 {n}", 'module': 'quarantine'}
        if model == 'ir.cron':
            return {'method': 'quarantine.transfer|update_overdue',
                'interval_number': n, 'interval_type': 'days'}
        if model == 'quarantine.transfer':
            stay = self.stay(site)
            return {'origin': f"隔离点{site}", 'lines': [('create', [{
                                'person': stay.person.id,
                                'stay': stay.id}])]}
        if model == 'quarantine.transfer.line':
            Transfer = pool.get('quarantine.transfer')
            transfer, = Transfer.create([
                    self.values('quarantine.transfer', site)])
            stay = self.stay(site)
            return {'transfer': transfer.id, 'person': stay.person.id,
                'stay': stay.id}
        if model == 'quarantine.supply.contract':
            Party = pool.get('party.party')
            return {'supplier': Party.create([{'name': f"供应商{n}"}])[0].id,
                'kind': 'supermarket', 'trucks': 1, 'lead_days': 1,
                'start_date': today}
        if model == 'quarantine.supply.contract.line':
            return {'contract': self.contract().id,
                'product': self.product().id, 'unit': ids['kg'],
                'daily_capacity': 10, 'unit_price': Decimal('1')}
        if model == 'quarantine.supply.contract.community':
            return {'contract': self.contract().id, 'name': f"社区{n}",
                'population': 100}
        if model == 'quarantine.supply.contract-quarantine.site':
            return {'contract': self.contract().id,
                'site': site_id or self.city['sites']['a']}
        if model == 'quarantine.supply.norm':
            return {'product': self.product().id, 'quantity': 1,
                'unit': ids['kg']}
        if model == 'quarantine.supply.driver_test':
            Party = pool.get('party.party')
            return {'driver': Party.create([{'name': f"司机{n}"}])[0].id,
                'result': 'negative', 'tested_at': now}
        if model == 'quarantine.supply.price':
            return {'product': ids['product'], 'price': Decimal('3'),
                'date': today - dt.timedelta(days=n)}
        if model == 'quarantine.supply.market.incident':
            Area = pool.get('quarantine.area')
            area, = Area.create([self.values('quarantine.area', site)])
            return {'kind': 'rush', 'township': area.id, 'start_date': today,
                'notes': "抢购"}
        if model == 'quarantine.supply.market.response':
            return {'date': today - dt.timedelta(days=n)}
        if model == 'quarantine.supply.market.response.task':
            Response = pool.get('quarantine.supply.market.response')
            response, = Response.create([
                    self.values('quarantine.supply.market.response', site)])
            return {'response': response.id, 'owner': "市商务局",
                'description': "协调保供企业增加供应"}
        if model == 'quarantine.supply.survey':
            contract = self.contract()
            pool.get('quarantine.supply.contract').activate([contract])
            return {'contract': contract.id,
                'date': today - dt.timedelta(days=n), 'zero': True}
        if model == 'quarantine.supply.survey.line':
            Survey = pool.get('quarantine.supply.survey')
            survey, = Survey.create([dict(
                        self.values('quarantine.supply.survey', site),
                        zero=False, lines=[('create', [{
                                        'product': ids['product'],
                                        'unit': ids['kg'], 'stock': 1}])])])
            return {'survey': survey.id, 'product': self.product().id,
                'unit': ids['kg'], 'stock': 2}
        if model == 'quarantine.supply.plan':
            return {'date': today, 'scope': 'site', 'site': site_id,
                'reserve_days': 15}
        if model == 'quarantine.supply.plan-quarantine.site':
            Plan = pool.get('quarantine.supply.plan')
            plan, = Plan.create([{'date': today, 'scope': 'sites',
                        'reserve_days': 15}])
            return {'plan': plan.id, 'site': site_id}
        if model == 'quarantine.supply.plan.line':
            Plan = pool.get('quarantine.supply.plan')
            plan, = Plan.create([self.values('quarantine.supply.plan', site)])
            return {'plan': plan.id, 'site': site_id,
                'product': ids['product'], 'unit': ids['kg']}
        if model == 'quarantine.supply.dispatch':
            return {'contract': ids['contract'], 'site': site_id,
                'handover_point': "东门"}
        if model == 'quarantine.supply.dispatch.line':
            Dispatch = pool.get('quarantine.supply.dispatch')
            dispatch, = Dispatch.create([
                    self.values('quarantine.supply.dispatch', site)])
            return {'dispatch': dispatch.id, 'site': site_id,
                'product': ids['product'], 'unit': ids['kg'], 'quantity': 1}
        if model == 'quarantine.supply.allocation':
            return {'applicant': "指挥部", 'reason': "防护用品不足",
                'to_site': site_id, 'from_warehouse': ids['reserve'],
                'receiving_unit': "医疗组", 'contact': "王医生",
                'contact_phone': "13800000000"}
        if model == 'quarantine.supply.allocation.line':
            Allocation = pool.get('quarantine.supply.allocation')
            allocation, = Allocation.create([
                    self.values('quarantine.supply.allocation', site)])
            return {'allocation': allocation.id, 'product': ids['product'],
                'unit': ids['kg'], 'quantity': 1, 'specification': "KN95"}
        if model == 'purchase.purchase':
            Party = pool.get('party.party')
            Company = pool.get('company.company')
            company, = Company.search([], limit=1)
            Site = pool.get('quarantine.site')
            return {'party': Party.create([{'name': f"供应商{n}"}])[0].id,
                'company': company.id, 'currency': company.currency.id,
                'warehouse': Site(site_id or self.city['sites']['a']
                    ).warehouse.id,
                'description': f"采购{n}"}
        if model == 'stock.move':
            Company = pool.get('company.company')
            company, = Company.search([], limit=1)
            return {'product': ids['product'], 'unit': ids['kg'],
                'quantity': 1, 'from_location': ids['lost'],
                'to_location': ids['warehouse'][site or 'a'],
                'company': company.id}
        if model == 'product.template':
            return {'name': f"物资{n}", 'type': 'goods',
                'default_uom': ids['kg']}
        if model == 'product.product':
            return {'template': self.product().template.id,
                'suffix_code': f'P{n}'}
        raise KeyError(model)


@contextmanager
def as_root():
    "A transaction of root with the company, committed at the end"
    with Transaction().start(DB_NAME, 0) as transaction:
        Company = Pool().get('company.company')
        companies = Company.search([], limit=1)
        with transaction.set_context(
                company=companies[0].id if companies else None):
            yield Pool()
        transaction.commit()


# The imports that find their records by a code: another site's rows are
# refused one by one in the sheet of refused rows
BY_ROW = {'quarantine.sample.import'}


class AccessMatrixTestCase(CityTestCase):
    "The access matrix of the three modules over JSON-RPC"
    module = 'quarantine_supply'
    extras = ['quarantine_transfer']

    @classmethod
    def setUpDatabase(cls):
        # the configuration's singleton, created under its table's lock
        with Transaction().new_transaction(
                _lock_tables=['quarantine_configuration']) as transaction:
            Configuration = Pool().get('quarantine.configuration')
            if not Configuration.get_singleton():
                Configuration.create([{}])
            transaction.commit()
        super().setUpDatabase()
        company = create_company()
        with set_company(company):
            fixtures = Fixtures(cls.city)
            fixtures.build()
        cls.fixtures = fixtures
        # the web client prints a report by its action (`action_id`)
        ActionReport = Pool().get('ir.action.report')
        cls.report_actions = {a.report_name: a.id
            for a in ActionReport.search([])}

    # --- what the database holds, read as root ---
    def fingerprint(self):
        """(rows, last write, last creation) of the tables of the matrix's
        models: a refused call must leave them as they were"""
        result = {}
        with as_root() as pool:
            cursor = Transaction().connection.cursor()
            for model in sorted(matrix.MODELS):
                Model = pool.get(model)
                if (not issubclass(Model, ModelSQL)
                        or model in {'res.user', 'ir.cron'}):
                    continue
                table = Model.__table__()
                cursor.execute(*table.select(Count(table.id),
                        Max(table.write_date), Max(table.create_date),
                        Sum(table.id)))
                result[model] = tuple(cursor.fetchone())
        return result

    def refused(self, call, *args, **kwargs):
        "Whether call was refused with a clean error (else its result)"
        try:
            return False, call(*args, **kwargs)
        except RPCError as error:
            return True, error

    # --- the cells of the models ---
    def prepare(self, models):
        """As root in one transaction: the values of the records to create,
        the records to delete, the values written and the state the refused
        cells must leave (what a role deletes is replaced after it)"""
        fixtures = self.fixtures
        plan = {}
        with as_root() as pool:
            for model in models:
                Model = pool.get(model)
                cells = matrix.MODELS[model]['city_admin']
                if set(cells) == {'x'}:
                    continue
                field = fixtures.fields[model]
                written = {}
                for site in SITES:
                    record = Model(fixtures.rows[model][site])
                    value = getattr(record, field)
                    if isinstance(value, ModelStorage):
                        value = value.id
                    written[site] = (value, record.write_date)
                creates, victims = {}, {}
                if cells[3] != 'x':
                    creates = {site: fixtures.values(model, site)
                        for site in ([None] if model in {
                                'quarantine.site', 'party.party'}
                            else SITES)}
                if cells[4] != 'x':
                    if model == 'party.party':
                        # a resident's party: their stay holds it
                        victims = dict(fixtures.rows[model])
                    else:
                        victims = {site: Model.create([
                                    fixtures.values(model, site)])[0].id
                            for site in SITES}
                plan[model] = {'written': written,
                    'creates': creates, 'victims': victims}
            self.count_rows(pool, plan)
        return plan

    def count_rows(self, pool, plan):
        "The rows of each table and the last write of the rows written"
        cursor = Transaction().connection.cursor()
        for model in plan:
            table = pool.get(model).__table__()
            cursor.execute(*table.select(Count(table.id)))
            plan[model]['count'], = cursor.fetchone()
            written = plan[model]['written']
            for site in SITES:
                cursor.execute(*table.select(table.write_date,
                        where=table.id == self.fixtures.rows[model][site]))
                written[site] = (written[site][0], cursor.fetchone()[0])

    def run_models(self, client, login, models, plan):
        """Run the cells of login on models; return (cells, failures):
        failures maps a cell (model, operation, site) to its message"""
        rows, fields_ = self.fixtures.rows, self.fixtures.fields
        allowed = {code: {'a': code in 'AOM', 'b': code in 'AM'}
            for code in 'AOM-x'}
        cells, failures, created = [], {}, {}
        refused_writes, refused_creates, refused_deletes = [], [], []

        def expect(cell, refused, result, expected, what):
            cells.append(cell)
            if isinstance(result, RPCError) and not result.clean:
                failures[cell] = f"{what}: not a clean refusal: {result}"
            elif refused == expected:
                failures[cell] = (
                    f"{what} {'refused' if refused else 'allowed'}")

        for model in models:
            codes = matrix.model_cells(model, login)
            if set(codes.values()) == {'x'}:
                cell = (model, 'no RPC', None)
                cells.append(cell)
                for method, args in [('search', [[]]), ('read', [[], []]),
                        ('write', [[], {}]), ('create', [[]]),
                        ('delete', [[]])]:
                    try:
                        client.model(model, method, *args)
                    except RPCError as error:
                        if '403' in error.name:
                            continue
                    failures[cell] = f"{method} served over RPC"
                continue
            field = fields_[model]
            steps = plan[model]
            refused, found = self.refused(client.model, model, 'search',
                [('id', 'in', list(set(rows[model].values())))],
                0, None, None)
            if not refused:
                found = set(found)
            for site in SITES:
                expect((model, 'search', site),
                    refused or rows[model][site] not in found,
                    found if refused else None,
                    allowed[codes['search']][site], "found")
            for site in SITES:
                refused, result = self.refused(client.model, model, 'read',
                    [rows[model][site]], [field])
                cell = (model, 'read', site)
                expect(cell, refused, result, allowed[codes['read']][site],
                    "read")
                if not refused and model in {
                        'party.party', 'party.identifier'}:
                    message = self.masking(client, model, rows[model][site],
                        site, codes['read'] == 'M')
                    if message:
                        failures.setdefault(cell, message)
            if codes['write'] != 'x':
                for site in SITES:
                    value, _ = steps['written'][site]
                    refused, result = self.refused(client.model, model,
                        'write', [rows[model][site]], {field: value})
                    cell = (model, 'write', site)
                    expect(cell, refused, result,
                        allowed[codes['write']][site], "write")
                    if refused:
                        refused_writes.append(cell)
            for site, values in steps['creates'].items():
                refused, result = self.refused(client.model, model,
                    'create', [values])
                cell = (model, 'create', site)
                expect(cell, refused, result,
                    allowed[codes['create']][site or 'a'], "create")
                if refused:
                    refused_creates.append(cell)
                else:
                    created.setdefault(model, []).extend(result)
            for site, victim in steps['victims'].items():
                refused, result = self.refused(client.model, model,
                    'delete', [victim])
                cell = (model, 'delete', site)
                expect(cell, refused, result,
                    allowed[codes['delete']][site], "delete")
                if refused:
                    refused_deletes.append((cell, victim))
        # undo what was created, replace the records deleted; a refused cell
        # must have left its table as it was
        with as_root() as pool:
            for model, ids in created.items():
                self.delete_root(pool, model, ids)
            for cell, victim in refused_deletes:
                Model = pool.get(cell[0])
                with Transaction().set_context(active_test=False):
                    if not Model.search([('id', '=', victim)]):
                        failures.setdefault(cell, "deleted though refused")
            cursor = Transaction().connection.cursor()
            for cell in refused_writes:
                model, _, site = cell
                table = pool.get(model).__table__()
                cursor.execute(*table.select(table.write_date,
                        where=table.id == rows[model][site]))
                row = cursor.fetchone()
                if not row:
                    failures.setdefault(cell, "deleted by a refused write")
                elif row[0] != plan[model]['written'][site][1]:
                    failures.setdefault(cell, "written though refused")
            for cell in refused_creates:
                model = cell[0]
                table = pool.get(model).__table__()
                cursor.execute(*table.select(Count(table.id)))
                if cursor.fetchone()[0] > plan[model]['count']:
                    failures.setdefault(cell, "created though refused")
            for model, steps in plan.items():
                Model = pool.get(model)
                for site, victim in steps['victims'].items():
                    if model == 'party.party':
                        continue
                    with Transaction().set_context(active_test=False):
                        if not Model.search([('id', '=', victim)]):
                            steps['victims'][site], = Model.create([
                                    self.fixtures.values(model, site)])
                            steps['victims'][site] = (
                                steps['victims'][site].id)
            self.count_rows(pool, plan)
        return cells, failures

    def masking(self, client, model, record_id, site, masked):
        "What is wrong with the identity number read, if anything"
        number = self.city['numbers'][site]
        field = 'code' if model == 'party.identifier' else (
            'quarantine_identity_number')
        value, = client.model(model, 'read', [record_id], [field])
        value = value[field] or ''
        if masked and (value == number or not value.endswith(number[-4:])):
            return f"identity number not masked: {value!r}"
        if not masked and value != number:
            return f"identity number masked: {value!r}"

    def delete_root(self, pool, model, ids):
        Model = pool.get(model)
        with Transaction().set_context(active_test=False):
            records = Model.search([('id', 'in', ids)])
        if model == 'res.user':
            # users are deactivated, never deleted
            Model.write(records, {'active': False})
            return
        warehouses = []
        if model == 'quarantine.site':
            warehouses = [s.warehouse for s in records if s.warehouse]
        Model.delete(records)
        if warehouses:
            pool.get('stock.location').delete(warehouses)

    def test_models(self):
        "Each role × each model: search, read, write, create, delete"
        total = 0
        models = sorted(matrix.MODELS)
        plan = self.prepare(models)
        for login in matrix.LOGINS:
            client = self.login(login)
            cells, failures = self.run_models(client, login, models, plan)
            total += len(cells)
            for model, operation, site in cells:
                with self.subTest(role=login, model=model, op=operation,
                        site=site):
                    message = failures.get((model, operation, site))
                    if message:
                        self.fail(message)
        print(f"\naccess matrix: {total} model cells")

    # --- wizards, reports and methods ---
    def wizard_run(self, key, site):
        """(wizard, model, ids, states) of the wizard's cell run on site,
        its records made as root"""
        wizard, _, state = key.partition(':')
        city, ids, fixtures = self.city, self.fixtures.ids, self.fixtures
        today = dt.date.today()
        now = dt.datetime.now().replace(microsecond=0)
        site_id = city['sites'][site]
        with as_root() as pool:
            Stay = pool.get('quarantine.stay')
            if wizard == 'quarantine.daily_report':
                return (wizard, 'quarantine.site', [site_id], [
                        ('start', {}), (state, {'start': {
                                    'date': today, 'area': None,
                                    'sites': [site_id]}})])
            if wizard == 'quarantine.room.create':
                n = serial() % 90 + 10
                return (wizard, 'quarantine.site', [site_id], [
                        ('start', {}), ('create_', {'start': {
                                    'site': site_id, 'buildings': 'W',
                                    'floor_from': 9, 'floor_to': 9,
                                    'number_from': n, 'number_to': n,
                                    'pattern': '{building}-{floor}{number:02d}',
                                    'capacity': 1, 'accessible': False,
                                    'initial_state': 'available'}})])
            if wizard == 'quarantine.stay.change_end_date':
                stay = Stay(city['stays'][site])
                return (wizard, 'quarantine.stay', [stay.id], [
                        ('start', {}), ('change', {'start': {
                                    'stay': stay.id,
                                    'current_end_date': stay.end_date,
                                    'end_date': stay.end_date
                                    + dt.timedelta(days=1),
                                    'reason': "复核延长"}})])
            if wizard == 'quarantine.stay.change_room':
                stay = Stay(city['stays'][site])
                room = fixtures.room(site)
                return (wizard, 'quarantine.stay', [stay.id], [
                        ('start', {}), ('change', {'start': {
                                    'stay': stay.id, 'site': site_id,
                                    'current_room': stay.room.id,
                                    'room': room.id, 'reason': "调房"}})])
            if wizard == 'quarantine.stay.allocate':
                # an intake without site, visible to the site roles, into
                # the site chosen
                stay = fixtures.stay(None)
                fixtures.room(site)
                return (wizard, 'quarantine.stay', [stay.id], [
                        ('start', {}), ('allocate', {'start': {
                                    'site': site_id}})])
            if wizard == 'quarantine.stay.import':
                from trytond.modules.quarantine.arrival_import import (
                    COLUMNS)
                n = serial()
                birth = (dt.date(1950, 1, 1) + dt.timedelta(days=n)
                    ).strftime('%Y%m%d')
                sheet = workbook(COLUMNS, [[f"导入{n}", make_ric(
                                birth, f'{n % 900 + 100}'), None, "密接"]])
                return (wizard, None, [], [
                        ('start', {}), ('import_', {'start': {
                                    'file': sheet, 'arrival_date': today,
                                    'regime': ids['regime'],
                                    'site': site_id}})])
            if wizard in {'quarantine.stay.ledger', 'quarantine.stay.notify'}:
                return (wizard, None, [], [('start', {}), ('export', {
                                'start': {'site': site_id,
                                    'date_from': today - dt.timedelta(
                                        days=60),
                                    'date_to': today}})])
            if wizard == 'quarantine.site.print_roster':
                return (wizard, 'quarantine.site', [site_id], [
                        ('start', {}), (state, {'start': {
                                    'site': site_id, 'date': today}})])
            if wizard == 'quarantine.sample.record':
                sample = city['samples'][site][-1]
                return (wizard, 'quarantine.sample', [sample], [
                        ('start', {}), ('record', {'start': {
                                    'result': 'negative',
                                    'institution': ids['institution'],
                                    'reagent': "试剂", 'collected_at': now,
                                    'count': 1}})])
            if wizard == 'quarantine.sample.import':
                from trytond.modules.quarantine.lab_import import COLUMNS
                sample = city['samples'][site][-2]
                sheet = workbook(COLUMNS, [[f'S{sample:09d}', None, "阴性",
                            "检测机构", "试剂",
                            now - dt.timedelta(hours=1)]])
                return (wizard, None, [], [('start', {}), ('import_', {
                                'start': {'file': sheet}})])
            if wizard == 'quarantine.transfer.reconcile':
                transfer = fixtures.rows['quarantine.transfer'][site]
                return (wizard, 'quarantine.transfer', [transfer], [
                        ('start', {}), ('save', {'start': {
                                    'copies_returned': ['site'],
                                    'copies_signed_by': "李",
                                    'copies_returned_at': now}})])
            if wizard == 'quarantine.supply.import':
                from trytond.modules.quarantine_supply.supplier_import import (
                    NORM_COLUMNS)
                return (wizard, None, [], [('start', {}), ('import_', {
                                'start': {'kind': 'norms',
                                    'filename': 'norms.xlsx',
                                    'file': workbook(NORM_COLUMNS,
                                        [["粮食", 0.4, "kg"]])}})])
            if wizard == 'quarantine.supply.price.import':
                from trytond.modules.quarantine_supply.price import COLUMNS
                Product = pool.get('product.product')
                name = Product(ids['product']).name
                day = today - dt.timedelta(days=1000 + serial())
                return (wizard, None, [], [('start', {}), ('import_', {
                                'start': {'file': workbook(COLUMNS,
                                        [[day, name, 3.5, "市场"]])}})])
            if wizard == 'quarantine.commission.export.generate':
                return (wizard, None, [], [('start', {}), ('export', {
                                'start': {'kind': 'close_contacts',
                                    'date': today, 'area': None}})])
            if wizard == 'quarantine.supply.price.report':
                return (wizard, None, [], [('start', {}), ('export', {
                                'start': {'date': today}})])
        raise KeyError(key)

    def run_refused(self, call, *args, by_row=False, **kwargs):
        """A message if call(*args) is not refused cleanly leaving the
        database as it was; `by_row`: an import may answer with its sheet
        of refused rows instead (another site's sample is "not found")"""
        before = self.fingerprint()
        refused, result = self.refused(call, *args, **kwargs)
        if not refused and not by_row:
            return "allowed"
        if refused and not result.clean:
            return f"not a clean refusal: {result}"
        changed = [m for m, v in self.fingerprint().items()
            if before.get(m) != v]
        if changed:
            return f"refused but changed {changed}"

    def run_allowed(self, call, *args, **kwargs):
        "A message if call(*args) is refused"
        refused, result = self.refused(call, *args, **kwargs)
        if refused:
            return f"refused: {result.message or result}"[:300]

    def test_wizards(self):
        """Each role × each wizard state, with another site's records; the
        refused runs before the allowed ones, which may change B's records
        (a result recorded, a room changed)"""
        unscoped = {'quarantine.commission.export.generate',
            'quarantine.supply.import',
            'quarantine.supply.price.import', 'quarantine.supply.price.report'}
        clients = {login: self.login(login) for login in matrix.LOGINS}
        total = 0
        for key, (_, cells) in sorted(matrix.WIZARDS.items()):
            runs = []
            for login in matrix.LOGINS:
                code = matrix.outcome(cells, login)
                if key in unscoped:
                    runs.append((login, None, code == 'A'))
                    continue
                runs.append((login, 'b', code == 'A'))
                if code == 'O' and key in matrix.READ_ONLY_WIZARDS:
                    runs.append((login, 'a', True))
            runs.sort(key=lambda run: run[2])
            for login, site, expected in runs:
                wizard, model, ids, states = self.wizard_run(key, site or 'a')
                if expected:
                    message = self.run_allowed(
                        clients[login].wizard, wizard, model, ids, states)
                else:
                    message = self.run_refused(
                        clients[login].wizard, wizard, model, ids, states,
                        by_row=key in BY_ROW)
                total += 1
                with self.subTest(role=login, wizard=key, site=site):
                    if message:
                        self.fail(message)
        print(f"\naccess matrix: {total} wizard cells")

    def report_record(self, report, site):
        rows, city = self.fixtures.rows, self.city
        model = {
            'quarantine.site.room_board': 'quarantine.site',
            'quarantine.site.sampling_roster': 'quarantine.site',
            'quarantine.site.staff_roster': 'quarantine.site',
            'quarantine.stay.release_certificate': 'quarantine.stay',
            'quarantine.stay.admission_notice': 'quarantine.stay',
            'quarantine.stay.commitment_letter': 'quarantine.stay',
            'quarantine.transfer.handover': 'quarantine.transfer',
            'quarantine.transfer.handover_blank': 'quarantine.transfer',
            'quarantine.supply.plan.guidance': 'quarantine.supply.plan',
            'quarantine.supply.plan.sheet': 'quarantine.supply.plan',
            'quarantine.supply.contract.ledger_sheet':
            'quarantine.supply.contract',
            'quarantine.supply.dispatch.note': 'quarantine.supply.dispatch',
            'quarantine.supply.allocation.form':
            'quarantine.supply.allocation',
            }[report]
        if report == 'quarantine.stay.release_certificate':
            return model, self.fixtures.ids['released'][site]
        if model == 'quarantine.stay':
            # an admitted stay that no cell changes
            return model, self.fixtures.ids['stays'][site]
        if model == 'quarantine.site':
            return model, city['sites'][site]
        return model, rows[model][site]

    def test_reports(self):
        "Each role × each report, on their site's and another site's records"
        total = 0
        for login in matrix.LOGINS:
            client = self.login(login)
            for report, cells in sorted(matrix.REPORTS.items()):
                code = matrix.outcome(cells, login)
                for site in SITES:
                    model, record = self.report_record(report, site)
                    expected = code == 'A' or (code == 'O' and site == 'a')
                    check = self.run_allowed if expected else self.run_refused
                    message = check(client.report, report, model, [record],
                        {'action_id': self.report_actions[report]})
                    total += 1
                    with self.subTest(role=login, report=report, site=site):
                        if message:
                            self.fail(message)
        print(f"\naccess matrix: {total} report cells")

    def method_record(self, model):
        "The record of site B a method is called on"
        if model == 'quarantine.site':
            return self.city['sites']['b']
        if model == 'quarantine.stay':
            return self.city['stays']['b_waiting']
        return self.fixtures.rows[model]['b']

    def test_methods(self):
        """Each role × each button and RPC method the modules add: pressed
        at all, and on another site's record"""
        total = 0
        for login in matrix.LOGINS:
            client = self.login(login)
            for method, cells in sorted(matrix.METHODS.items()):
                code = matrix.outcome(cells, login)
                model, _, name = method.rpartition('.')
                if name == 'verify_certificate':
                    calls = [(None, code != '-', ("ZZ0000", "0" * 20))]
                elif model == 'quarantine.configuration':
                    # the singleton's button, as the web client presses it
                    calls = [(None, code != '-', ([
                                    self.fixtures.rows[model]['a']],))]
                else:
                    calls = [(None, code != '-', ([],))]
                    if code != 'A':
                        calls.append(
                            ('b', False, ([self.method_record(model)],)))
                for site, expected, args in calls:
                    check = self.run_allowed if expected else self.run_refused
                    message = check(client.model, model, name, *args)
                    total += 1
                    with self.subTest(role=login, method=method, site=site):
                        if message:
                            self.fail(message)
        print(f"\naccess matrix: {total} method cells")

    # --- enumerations: nothing of the modules without its row ---
    def registered(self, kind):
        pool = Pool()
        return {name for name, cls in pool.iterobject(type=kind)
            if any(isregisteredby(cls, m, type_=kind) for m in MODULES)}

    def test_every_model_has_a_row(self):
        "Every stored model the modules register or extend has its row"
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            models = {m for m in self.registered('model')
                if issubclass(pool.get(m), ModelStorage)}
        self.assertEqual(sorted(models - set(matrix.MODELS)), [])
        self.assertEqual(sorted(set(matrix.MODELS) - models), [])
        for model, cells in matrix.MODELS.items():
            self.assertEqual(sorted(cells), sorted(matrix.LOGINS), model)
            for login, codes in cells.items():
                self.assertRegex(codes, r'^[AOM\-x]{5}$', (model, login))

    def test_every_wizard_report_method_has_a_row(self):
        "Every wizard state, report and RPC method of the modules has its row"
        self.maxDiff = None
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            states = set()
            for name in self.registered('wizard'):
                Wizard = pool.get(name, type='wizard')
                runs = [s for s, state in Wizard.states.items()
                    if isinstance(state, StateReport)
                    or (isinstance(state, StateTransition)
                        and not isinstance(state, StateAction))]
                if len(runs) == 1:
                    states.add(name)
                else:
                    states.update(f'{name}:{s}' for s in runs)
            self.assertEqual(sorted(states), sorted(matrix.WIZARDS))
            self.assertEqual(sorted(self.registered('report')),
                sorted(matrix.REPORTS))
            self.assertEqual(sorted(self.methods()), sorted(matrix.METHODS))

    def methods(self):
        """The RPC methods the modules' own classes define: buttons and
        others, not the on_change and selection methods of fields"""
        pool = Pool()
        standard = set()
        for name in ['res.group', 'ir.sequence', 'ir.configuration']:
            standard |= set(pool.get(name).__rpc__)
        methods = set()
        for name in self.registered('model'):
            Model = pool.get(name)
            selections = {getattr(f, '_field', f).selection
                for f in Model._fields.values()
                if isinstance(getattr(f, '_field', f),
                    (fields.Selection, fields.MultiSelection))
                and isinstance(getattr(f, '_field', f).selection, str)}
            for method in Model.__rpc__:
                if (method.startswith('on_change') or method in standard
                        or method in selections):
                    continue
                owner = next((c for c in Model.__mro__
                        if method in c.__dict__), None)
                if owner and owner.__module__.split('.')[:3] in [
                        ['trytond', 'modules', m] for m in MODULES]:
                    methods.add(f'{name}.{method}')
        return methods

    def test_readme_table(self):
        "The README holds the matrix generated from the data"
        readme = (ROOT / 'README.md').read_text()
        self.assertIn(access_table.render(), readme)


del CityTestCase

if __name__ == '__main__':
    unittest.main()
