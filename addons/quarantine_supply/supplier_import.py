# This file is part of the quarantine_supply module.  See README.md.
"""The supply office's sheets (.xlsx): the suppliers with the communities
and populations they serve (Ruijin's service-area mapping: one row a
community), and the ration norms.  All or nothing, every bad row reported,
as the arrival lists; importing the same sheet again changes nothing."""
from collections import OrderedDict, namedtuple

from stdnum.cn import uscc

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.quarantine.common import close_view
from trytond.modules.quarantine.excel import text
from trytond.modules.quarantine.sheet import (
    Sheet, SheetImport, import_start, template)
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Wizard

from .contract import KINDS

SUPPLIER_COLUMNS = [
    ('supplier', "供应单位", True),
    ('credit_code', "统一社会信用代码", False),
    ('kind', "类型", False),
    ('supply_group', "保供组", False),
    ('liaison', "联络员", False),
    ('liaison_phone', "联络电话", False),
    ('community', "社区/村", False),
    ('population', "人口", False),
    ('address', "地址", False),
    ]
# The field each column of text is written to, bounded by its size
SUPPLIER_FIELDS = {
    'supplier': ('party.party', 'name'),
    'supply_group': ('quarantine.supply.contract', 'supply_group'),
    'liaison': ('quarantine.supply.contract', 'liaison'),
    'liaison_phone': ('quarantine.supply.contract', 'liaison_phone'),
    'community': ('quarantine.supply.contract.community', 'name'),
    }
NORM_COLUMNS = [
    ('product', "物资", True),
    ('quantity', "每人每日定额", True),
    ('unit', "单位", True),
    ]
KIND_LABELS = {
    "超市": 'supermarket', "粮油": 'grain_oil', "蔬菜": 'vegetable',
    "肉蛋": 'meat', "生产或批发企业": 'producer', "生产企业": 'producer',
    "批发企业": 'producer', "仓储企业": 'storage',
    }
KIND_LABELS.update({k: k for k, _ in KINDS})

Community = namedtuple('Community', ['row', 'name', 'population'])


def supplier_template():
    return template("保供企业", SUPPLIER_COLUMNS, ["国光超市",
            "91360781MA35F0000M", "超市", "保供二组", "张三", "13900000000",
            "解放路社区", 7239, "瑞金市解放路1号"])


def norm_template():
    return template("人均定额", NORM_COLUMNS, ["粮食", 0.4, "kg"])


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return float(text(value).replace(',', ''))
    except ValueError:
        return None


def read_suppliers(data):
    """Return ({supplier name: values with its communities}, errors,
    header, raw rows)"""
    sheet = Sheet(data, SUPPLIER_COLUMNS, SUPPLIER_FIELDS)
    suppliers = OrderedDict()
    for row in sheet.rows():
        _read_supplier(row, suppliers)
    sheet.errors.sort(key=lambda e: e.row)
    return sheet.result(suppliers)


def _read_supplier(row, suppliers):
    "Add the row's supplier and community to suppliers"
    values = row.texts()
    # a producer may serve no community: then both cells are empty
    row.require(['supplier'] + (['community', 'population']
            if values['community'] or values['population'] else []))
    population = _number(row.cell('population'))
    if values['population'] and (population is None or population < 0
            or population != int(population)):
        row.error('population', 'quarantine_supply.msg_import_population',
            value=values['population'])
    kind = KIND_LABELS.get(values['kind'] or 'supermarket')
    if not kind:
        row.error('kind', 'quarantine.msg_import_category',
            value=values['kind'], values='、'.join(
                k for k in KIND_LABELS if not k.isascii()))
    code = (uscc.compact(values['credit_code']) if values['credit_code']
        else '')
    if code and not uscc.is_valid(code):
        row.error('credit_code', 'quarantine_supply.msg_import_credit_code',
            value=values['credit_code'])
    if not values['supplier']:
        return
    supplier = suppliers.setdefault(values['supplier'], {
            'row': row.number, 'credit_code': code, 'kind': kind,
            'supply_group': values['supply_group'],
            'liaison': values['liaison'],
            'liaison_phone': values['liaison_phone'],
            'address': values['address'],
            'communities': [],
            })
    supplier['address'] = supplier['address'] or values['address']
    if code and supplier['credit_code'] and code != supplier['credit_code']:
        row.error('credit_code', 'quarantine_supply.msg_import_two_codes',
            supplier=values['supplier'], row=supplier['row'])
    supplier['credit_code'] = supplier['credit_code'] or code
    seen = {c.name: c for c in supplier['communities']}
    if values['community'] in seen:
        row.error('community', 'quarantine_supply.msg_import_community_twice',
            community=values['community'], row=seen[values['community']].row)
    elif values['community'] and population is not None:
        supplier['communities'].append(
            Community(row.number, values['community'], int(population)))


def import_suppliers(suppliers):
    """Create or update the suppliers and their contracts (drafts for new
    ones) with the communities of the sheet; return the contracts"""
    pool = Pool()
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    Contract = pool.get('quarantine.supply.contract')
    ContractCommunity = pool.get('quarantine.supply.contract.community')
    Date = pool.get('ir.date')
    by_code = {i.code_compact: i.party for i in Identifier.search([
                ('type', '=', 'cn_vat'),
                ('code_compact', 'in', [s['credit_code']
                        for s in suppliers.values() if s['credit_code']]),
                ])}
    by_name = {p.name: p for p in Party.search([
                ('name', 'in', list(suppliers))])}
    contracts = []
    for name, values in suppliers.items():
        party = by_code.get(values['credit_code']) or by_name.get(name)
        if not party:
            party = Party(name=name)
            party.save()
        if values['credit_code'] and values['credit_code'] not in by_code:
            Identifier.create([{'party': party.id, 'type': 'cn_vat',
                        'code': values['credit_code']}])
        if values.get('address'):
            set_address(party, values['address'])
        found = Contract.search([
                ('supplier', '=', party.id),
                ('state', 'in', ['draft', 'active']),
                ], order=[('state', 'ASC'), ('start_date', 'DESC')], limit=1)
        if found:
            contract, = found
        else:
            contract = Contract(supplier=party, kind=values['kind'],
                trucks=0, lead_days=1, start_date=Date.today())
        for key in ['supply_group', 'liaison', 'liaison_phone']:
            if values[key]:
                setattr(contract, key, values[key])
        contract.save()
        ContractCommunity.delete(list(contract.communities))
        ContractCommunity.create([{'contract': contract.id, 'name': c.name,
                    'population': c.population}
                for c in values['communities']])
        contracts.append(contract)
    return contracts


def set_address(party, street):
    """Give the party the street as an address, unless one of its
    addresses has it: into its empty address if it has one"""
    Address = Pool().get('party.address')
    addresses = [a for a in party.addresses if a.active]
    if any((a.street or '').strip() == street for a in addresses):
        return
    empty = [a for a in addresses if not (a.street or '').strip()
        and not (a.city or '').strip()]
    if empty:
        Address.write(empty[:1], {'street': street})
    else:
        Address.create([{'party': party.id, 'street': street}])


def read_norms(data):
    "Return ([(row, product name, quantity, unit)], errors, header, raw)"
    Uom = Pool().get('product.uom')
    sheet = Sheet(data, NORM_COLUMNS)
    rows = sheet.rows()
    norms = []
    if rows:
        units = {}
        for unit in Uom.search([]):
            units[unit.symbol] = units[unit.name] = unit
        products = existing_products()
        seen = {}
        for row in rows:
            norm = _read_norm(row, units, products, seen)
            if norm:
                norms.append(norm)
    sheet.errors.sort(key=lambda e: e.row)
    return sheet.result(norms)


def _read_norm(row, units, products, seen):
    """Return (row, product name, quantity, unit) of a good row; seen is
    {product name: first row}"""
    values = row.texts()
    row.require(key for key, _, _ in NORM_COLUMNS)
    quantity = _number(row.cell('quantity'))
    if values['quantity'] and (quantity is None or quantity <= 0):
        row.error('quantity', 'quarantine_supply.msg_import_norm_quantity',
            value=values['quantity'])
    unit = units.get(values['unit'])
    if values['unit'] and not unit:
        row.error('unit', 'quarantine_supply.msg_import_unit',
            value=values['unit'])
    product = products.get(values['product'])
    if unit and product and (
            unit.category != product.default_uom.category):
        row.error('unit', 'quarantine_supply.msg_unit_category',
            unit=unit.rec_name, product=product.rec_name)
    if values['product'] in seen:
        row.error('product', 'quarantine_supply.msg_import_product_twice',
            product=values['product'], row=seen[values['product']])
    seen.setdefault(values['product'], row.number)
    if values['product'] and quantity and quantity > 0 and unit:
        return (row.number, values['product'], round(quantity, 4), unit)


def existing_products():
    """The goods by code and by name in each language: a sheet says 粮食
    for the shipped Grain"""
    pool = Pool()
    Product = pool.get('product.product')
    Lang = pool.get('ir.lang')
    languages = {Transaction().language, 'en'} | {
        l.code for l in Lang.search([('translatable', '=', True)])}
    products = {}
    for language in sorted(languages):
        with Transaction().set_context(language=language):
            for product in Product.search([('type', '=', 'goods')]):
                products.setdefault(product.name, product)
                if product.code:
                    products.setdefault(product.code, product)
    return products


def import_norms(norms):
    """Set the norms of the sheet, creating the purchasable goods not known
    yet in the norm's unit; return the norms"""
    pool = Pool()
    Norm = pool.get('quarantine.supply.norm')
    Template = pool.get('product.template')
    products = existing_products()
    new = [(name, unit) for _, name, _, unit in norms if name not in products]
    if new:
        templates = Template.create([{
                    'name': name, 'type': 'goods', 'purchasable': True,
                    'default_uom': unit.id, 'purchase_uom': unit.id,
                    'products': [('create', [{}])],
                    } for name, unit in new])
        for created in templates:
            products[created.name] = created.products[0]
    existing = {n.product: n for n in Norm.search([
                ('product', 'in', [products[n].id for _, n, _, _ in norms]),
                ('active', 'in', [True, False]),
                ])}
    result = []
    for _, name, quantity, unit in norms:
        product = products[name]
        norm = existing.get(product) or Norm(product=product)
        norm.quantity = quantity
        norm.unit = unit
        norm.active = True
        result.append(norm)
    Norm.save(result)
    return result


class ImportStart(ModelView):
    "Import Supply Sheet"
    __name__ = 'quarantine.supply.import.start'
    __string__ = "Import Supply Sheet"

    kind = fields.Selection([
            ('suppliers', "Suppliers and Communities Served"),
            ('norms', "Ration Norms"),
            ], "Sheet", required=True)
    file = fields.Binary("Sheet (.xlsx)", required=True, filename='filename')
    filename = fields.Char("File Name")
    supplier_template = fields.Binary("Supplier Template", readonly=True,
        filename='supplier_template_filename')
    supplier_template_filename = fields.Char(
        "Supplier Template File Name", readonly=True)
    norm_template = fields.Binary("Norm Template", readonly=True,
        filename='norm_template_filename')
    norm_template_filename = fields.Char(
        "Norm Template File Name", readonly=True)


class ImportSheet(SheetImport, Wizard):
    "Import Supply Sheet"
    __name__ = 'quarantine.supply.import'
    start = import_start('quarantine.supply.import.start',
        'quarantine_supply.import_start_view_form')
    done = close_view('quarantine.supply.import.done',
        'quarantine_supply.import_done_view_form')
    imported_state = 'done'

    def default_start(self, fields):
        kind = Transaction().context.get('supply_sheet', 'suppliers')
        return {
            'kind': kind,
            'supplier_template': supplier_template(),
            'supplier_template_filename': 'supplier_template.xlsx',
            'norm_template': norm_template(),
            'norm_template_filename': 'norm_template.xlsx',
            }

    @property
    def error_filename(self):
        return {
            'norms': 'norm_errors.xlsx',
            'suppliers': 'supplier_errors.xlsx',
            }[self.start.kind]

    def read(self):
        if self.start.kind == 'norms':
            return read_norms(self.start.file)
        return read_suppliers(self.start.file)

    def apply(self, records):
        if self.start.kind == 'norms':
            return import_norms(records)
        return import_suppliers(records)

    def default_done(self, fields):
        return {'message': gettext('quarantine_supply.msg_import_done',
                count=len(self.imported))}


class ImportDone(ModelView):
    "Supply Sheet Imported"
    __name__ = 'quarantine.supply.import.done'
    __string__ = "Supply Sheet Imported"

    message = fields.Text("Result", readonly=True)

