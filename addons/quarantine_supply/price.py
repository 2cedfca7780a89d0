# This file is part of the quarantine_supply module.  See README.md.
"""Price watch (价格监测): the daily prices of the monitored necessities,
how much each rose over a week and the grade of market abnormality the rise
signals (Ruijin plan: mild from 20 %, major from 50 %, severe from 100 % in
a week)."""
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Font
from sql import Cast, Literal
from sql.aggregate import Max
from sql.conditionals import Coalesce
from sql.functions import Function
from sql.operators import Equal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Check, Exclude, Index, ModelSQL, ModelView, fields)
from trytond.modules.quarantine.excel import (
    SheetExport, SheetExportResult, export_states, save, text)
from trytond.modules.quarantine.report import selection_labels
from trytond.modules.quarantine.sheet import (
    Sheet, SheetImport, SheetImportStart, import_start, template)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.tools.domain_inversion import eval_domain
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

WEEK = 7
GRADES = [
    (None, ""),
    ('mild', "Mild"),
    ('major', "Major"),
    ('severe', "Severe"),
    ]
SEVERITY = {grade: index for index, (grade, _) in enumerate(GRADES)}
PRICE_DIGITS = Decimal('0.0001')

Trend = namedtuple('Trend', ['week_ago', 'rise', 'grade'])


class _SQLiteDate(Function):
    __slots__ = ()
    _function = 'DATE'


def days_before(date, days):
    "The SQL date `days` days before the date column"
    if backend.name == 'sqlite':
        return _SQLiteDate(date, f'-{days} days')
    return date - Literal(days)


def slices(ids):
    "The ids by lists as long as a query may take"
    return [list(sub) for sub in grouped_slice(
                ids, backend.MAX_QUERY_PARAMS)]


def in_(column, ids):
    return fields.SQL_OPERATORS['in'](column, ids)


def as_decimal(value):
    "A price read by a query: SQLite may give the text of a computed column"
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode()
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(PRICE_DIGITS)


def grade_domain(grades, clause):
    """Return the domain on id of the records whose grade, in {id: grade},
    meets clause; a record missing from grades has no grade"""
    _, operator, value = clause[:3]

    def meets(grade):
        return eval_domain([('grade', operator, value)], {'grade': grade})
    if meets(None):
        return [('id', 'not in',
                [i for i, g in grades.items() if not meets(g)])]
    return [('id', 'in', [i for i, g in grades.items() if meets(g)])]


class Configuration(metaclass=PoolMeta):
    __name__ = 'quarantine.configuration'

    price_mild_rise = fields.Float("Mild Price Rise", required=True,
        digits=(16, 4),
        help="A monitored price up by this share or more over a week "
        "signals a mild abnormality (Ruijin: 20 %).")
    price_major_rise = fields.Float("Major Price Rise", required=True,
        digits=(16, 4),
        help="A rise over a week from this share signals a major "
        "abnormality (Ruijin: 50 %).")
    price_severe_rise = fields.Float("Severe Price Rise", required=True,
        digits=(16, 4),
        help="A rise over a week from this share signals a severe "
        "abnormality (Ruijin: 100 %).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('price_mild_rise_positive', Check(t, t.price_mild_rise > 0),
                'quarantine_supply.msg_price_rise_positive'),
            ('price_rises_ordered', Check(t,
                    (t.price_major_rise > t.price_mild_rise)
                    & (t.price_severe_rise > t.price_major_rise)),
                'quarantine_supply.msg_price_rises_ordered'),
            ]

    @classmethod
    def default_price_mild_rise(cls):
        return 0.2

    @classmethod
    def default_price_major_rise(cls):
        return 0.5

    @classmethod
    def default_price_severe_rise(cls):
        return 1.0

    def price_grade(self, rise):
        "Return the grade of a weekly rise (a Decimal), None below mild"
        if rise is None:
            return None
        for grade, threshold in [
                ('severe', self.price_severe_rise),
                ('major', self.price_major_rise),
                ('mild', self.price_mild_rise),
                ]:
            # compare as decimals: 12 after 10 is 20 %, not 19.99...
            if threshold is not None and rise >= Decimal(str(threshold)):
                return grade
        return None


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    price_monitored = fields.Boolean("Price Monitored",
        help="Its market price is recorded every day (one of the "
        "necessities the NDRC watches).")

    @classmethod
    def default_price_monitored(cls):
        return False


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    price_grade = fields.Function(fields.Selection(GRADES, "Price Grade",
            help="The grade of the latest price rise of the product (the "
            "most severe when several markets report that day)."),
        'get_price_grade', searcher='search_price_grade')
    price_reported = fields.Function(fields.Boolean("Priced Today",
            help="A monitored necessity with a price of today."),
        'get_price_report')
    price_missing_markets = fields.Function(fields.Char(
            "Markets Not Reported",
            help="The markets that priced it in the week before and have "
            "not priced it today."),
        'get_price_report')
    price_report_incomplete = fields.Function(fields.Boolean(
            "Price Report Incomplete",
            help="A monitored necessity not priced today, or not by every "
            "market that priced it in the week before."),
        'get_price_report', searcher='search_price_report_incomplete')

    @classmethod
    def get_price_grade(cls, products, name):
        Price = Pool().get('quarantine.supply.price')
        grades = Price.latest_grades([p.id for p in products])
        return {p.id: grades.get(p.id) for p in products}

    @classmethod
    def search_price_grade(cls, name, clause):
        Price = Pool().get('quarantine.supply.price')
        return grade_domain(Price.latest_grades(), clause)

    @classmethod
    def get_price_report(cls, products, names):
        Price = Pool().get('quarantine.supply.price')
        today = Pool().get('ir.date').today()
        gaps = Price.report_gaps(today)
        city = gettext('quarantine_supply.msg_price_city_market')
        result = {name: {} for name in names}
        for product in products:
            priced, missing = gaps.get(product.id, (None, []))
            values = {
                'price_reported': bool(priced),
                'price_missing_markets': '、'.join(
                    m or city for m in missing) or None,
                'price_report_incomplete': priced is not None and (
                    not priced or bool(missing)),
                }
            for name in names:
                result[name][product.id] = values[name]
        return result

    @classmethod
    def search_price_report_incomplete(cls, name, clause):
        Price = Pool().get('quarantine.supply.price')
        today = Pool().get('ir.date').today()
        incomplete = [i for i, (priced, missing)
            in Price.report_gaps(today).items() if not priced or missing]
        _, operator, value = clause[:3]
        if (operator == '=') == bool(value):
            return [('id', 'in', incomplete)]
        return [('id', 'not in', incomplete)]


class Price(ModelSQL, ModelView):
    "Monitored Price"
    __name__ = 'quarantine.supply.price'
    __string__ = "Monitored Price"

    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='RESTRICT',
        domain=[('template.price_monitored', '=', True)])
    unit = fields.Function(fields.Many2One('product.uom', "Unit",
            help="The price is for one of this unit."),
        'on_change_with_unit')
    date = fields.Date("Date", required=True)
    price = fields.Numeric("Price", digits=(16, 4), required=True,
        help="In yuan, for one unit of the product.")
    market = fields.Char("Market", size=100,
        help="Where the price was observed: a supermarket, a wholesale "
        "market; empty for the price of the whole city.")
    township = fields.Many2One('quarantine.area', "Township",
        ondelete='RESTRICT',
        help="The township (乡镇) of the market: a rise there counts among "
        "the townships of a market anomaly.")
    week_ago_price = fields.Function(fields.Numeric("Price a Week Before",
            digits=(16, 4),
            help="The latest price of the product at the same market on "
            "or before seven days earlier."),
        'get_trend')
    weekly_rise = fields.Function(fields.Float("Weekly Rise",
            digits=(16, 4)),
        'get_trend')
    grade = fields.Function(fields.Selection(GRADES, "Grade",
            help="The abnormality the weekly rise signals; the thresholds "
            "are in the configuration."),
        'get_trend', searcher='search_grade')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # cast: SQLite keeps the decimals as text
            ('price_positive', Check(t, Cast(t.price, 'NUMERIC') >= 0),
                'quarantine_supply.msg_price_positive'),
            # a unique key where no market is one market too
            ('product_date_market_unique', Exclude(t,
                    (t.product, Equal), (t.date, Equal),
                    (Coalesce(t.market, ''), Equal)),
                'quarantine_supply.msg_price_unique'),
            ]
        cls._sql_indexes.add(Index(t,
                (t.product, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('product', 'ASC'),
            ('market', 'ASC'), ('id', 'DESC')]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('grade') == 'severe', 'danger',
                    If(Eval('grade') == 'major', 'warning', '')),
                ['grade']),
            ]

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    def get_rec_name(self, name):
        parts = [self.product.rec_name, str(self.date)]
        if self.market:
            parts.append(self.market)
        return ' / '.join(parts)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('product.rec_name', *clause[1:]),
            ('market', *clause[1:]),
            ]

    @classmethod
    def trends(cls, ids=None):
        """Return {id: Trend} of the prices (all by default) in one query
        for a thousand of them"""
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        config = Configuration(1)
        cursor = Transaction().connection.cursor()
        price, before = cls.__table__(), cls.__table__()
        week_ago = before.select(before.price,
            where=(before.product == price.product)
            & (Coalesce(before.market, '') == Coalesce(price.market, ''))
            & (before.date <= days_before(price.date, WEEK)),
            order_by=[before.date.desc], limit=1)
        result = {}
        wheres = ([None] if ids is None
            else [in_(price.id, sub) for sub in slices(ids)])
        for where in wheres:
            cursor.execute(*price.select(
                    price.id, price.price, week_ago, where=where))
            for price_id, current, previous in cursor:
                current, previous = as_decimal(current), as_decimal(previous)
                rise = ((current - previous) / previous
                    if previous else None)
                result[price_id] = Trend(
                    previous, rise, config.price_grade(rise))
        return result

    @classmethod
    def get_trend(cls, prices, names):
        trends = cls.trends([p.id for p in prices])
        result = {name: {} for name in names}
        for price in prices:
            trend = trends.get(price.id, Trend(None, None, None))
            values = {
                'week_ago_price': trend.week_ago,
                'weekly_rise': (float(trend.rise)
                    if trend.rise is not None else None),
                'grade': trend.grade,
                }
            for name in names:
                result[name][price.id] = values[name]
        return result

    @classmethod
    def search_grade(cls, name, clause):
        return grade_domain(
            {i: t.grade for i, t in cls.trends().items()}, clause)

    @classmethod
    def report_gaps(cls, date):
        """Return {product id: (priced, [market])} of the monitored
        necessities on date: whether it has a price of the date, and the
        markets ('' for the city's price) that priced it in the week before
        and not on the date. The daily report is complete when every
        monitored necessity is priced, by every market that priced it in
        the week (its weekly rise needs both prices)."""
        pool = Pool()
        Product = pool.get('product.product')
        cursor = Transaction().connection.cursor()
        products = Product.search([('template.price_monitored', '=', True)])
        result = {p.id: (False, set()) for p in products}
        today, week = defaultdict(set), defaultdict(set)
        price = cls.__table__()
        for sub in slices(list(result)):
            cursor.execute(*price.select(
                    price.product, price.date, price.market,
                    where=in_(price.product, sub)
                    & (price.date >= date - dt.timedelta(days=WEEK))
                    & (price.date <= date),
                    distinct=True))
            for product_id, day, market in cursor:
                if isinstance(day, str):
                    day = dt.date.fromisoformat(day)
                (today if day == date else week)[product_id].add(
                    market or '')
        for product_id in result:
            result[product_id] = (bool(today[product_id]),
                sorted(week[product_id] - today[product_id]))
        return result

    @classmethod
    def latest_grades(cls, product_ids=None, date=None):
        """Return {product id: grade} of the latest prices of the products
        (of all by default) on or before date: the most severe when several
        markets report that day"""
        cursor = Transaction().connection.cursor()
        price, last = cls.__table__(), cls.__table__()
        product_of = {}
        wheres = ([Literal(True)] if product_ids is None
            else [in_(last.product, sub)
                for sub in slices(product_ids)])
        for where in wheres:
            if date:
                where &= last.date <= date
            latest = last.select(last.product, Max(last.date).as_('date'),
                where=where, group_by=[last.product])
            cursor.execute(*price.join(latest,
                    condition=(price.product == latest.product)
                    & (price.date == latest.date)
                    ).select(price.id, price.product))
            product_of.update(cursor)
        result = {}
        for price_id, trend in cls.trends(list(product_of)).items():
            product_id = product_of[price_id]
            if (product_id not in result
                    or SEVERITY[trend.grade] > SEVERITY[result[product_id]]):
                result[product_id] = trend.grade
        return result

    @classmethod
    def import_prices(cls, rows):
        """Create the prices of the rows, or update those already recorded
        for the same product, day and market; return the prices"""
        if not rows:
            return []

        def key(product, date, market):
            return (product.id, date, market or '')
        existing = {key(p.product, p.date, p.market): p
            for p in cls.search([
                    ('product', 'in', list({r.product.id for r in rows})),
                    ('date', '>=', min(r.date for r in rows)),
                    ('date', '<=', max(r.date for r in rows)),
                    ])}
        to_create, to_update, prices = [], defaultdict(list), []
        for row in rows:
            price = existing.get(key(row.product, row.date, row.market))
            township = row.township.id if row.township else None
            if price is None:
                to_create.append({'product': row.product.id,
                        'date': row.date, 'price': row.price,
                        'market': row.market, 'township': township})
            else:
                old = price.township.id if price.township else None
                if price.price != row.price or (
                        township and old != township):
                    to_update[row.price, township or old].append(price)
                prices.append(price)
        if to_update:
            cls.write(*sum(([records, {'price': value, 'township': area}]
                        for (value, area), records in to_update.items()),
                    []))
        return prices + cls.create(to_create)


class PlanPriceAlert(metaclass=PoolMeta):
    __name__ = 'quarantine.supply.plan'

    price_alert = fields.Function(fields.Boolean("Price Alert",
            help="A product of the plan has a graded price rise on the "
            "plan's date."),
        'get_price_alert')
    price_alert_products = fields.Function(fields.Char(
            "Products with a Price Alert"),
        'get_price_alert')

    @classmethod
    def get_price_alert(cls, plans, names):
        pool = Pool()
        Line = pool.get('quarantine.supply.plan.line')
        Price = pool.get('quarantine.supply.price')
        Product = pool.get('product.product')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        products = defaultdict(set)
        for sub in slices([p.id for p in plans]):
            cursor.execute(*line.select(line.plan, line.product,
                    where=in_(line.plan, sub),
                    group_by=[line.plan, line.product]))
            for plan_id, product_id in cursor:
                products[plan_id].add(product_id)
        by_date = defaultdict(list)
        for plan in plans:
            by_date[plan.date].append(plan)
        labels = selection_labels(Price, 'grade')
        alerts = {}
        for date, dated_plans in by_date.items():
            grades = Price.latest_grades(list(set().union(
                        *(products[p.id] for p in dated_plans))), date)
            for plan in dated_plans:
                alerts[plan.id] = [(Product(i), grades[i])
                    for i in products[plan.id] if grades.get(i)]
        result = {name: {} for name in names}
        for plan in plans:
            graded = sorted(alerts.get(plan.id, []),
                key=lambda a: (-SEVERITY[a[1]], a[0].rec_name))
            if 'price_alert' in names:
                result['price_alert'][plan.id] = bool(graded)
            if 'price_alert_products' in names:
                result['price_alert_products'][plan.id] = '、'.join(
                    gettext('quarantine_supply.msg_price_alert_product',
                        product=product.rec_name, grade=labels[grade])
                    for product, grade in graded) or None
        return result


# The import of a day's prices and the daily report

COLUMNS = [
    ('date', "日期", True),
    ('product', "物资", True),
    ('price', "价格", True),
    ('market', "市场", False),
    ('township', "乡镇", False),
    ]

# The field each column of text is written to, bounded by its size
FIELDS = {'market': ('quarantine.supply.price', 'market')}

PriceRow = namedtuple('PriceRow', ['row', 'date', 'product', 'price',
        'market', 'township'], defaults=[None])


def template_workbook():
    return template("价格监测", COLUMNS,
        [dt.date(2022, 5, 10), "大米", 5.2, "国光超市", None])


def read_prices(data):
    """Parse and check a price sheet against the products.

    Return (rows, errors, header, raw rows); the rows are only valid when
    errors is empty."""
    sheet = Sheet(data, COLUMNS, FIELDS)
    rows = sheet.rows(no_row='quarantine_supply.msg_price_import_no_row')
    products = _products([row.text('product') for row in rows])
    townships = _townships([row.text('township') for row in rows])
    prices = [_read_row(row, products, townships) for row in rows]
    _check_repeated(sheet, prices)
    sheet.errors.sort(key=lambda e: e.row)
    return sheet.result(prices)


def _typed(Model, names, fields):
    """Yield (record, typed names of its slice) for the records of Model
    whose `fields` hold one of the names typed in the sheet"""
    names = list({n for n in names if n})
    for sub in slices(names):
        for record in Model.search(
                ['OR'] + [(field, 'in', sub) for field in fields]):
            yield record, set(sub)


def _products(names):
    "Return {code or name: [products]} of the names typed in the sheet"
    Product = Pool().get('product.product')
    found = defaultdict(list)
    for product, typed in _typed(Product, names, ['code', 'template.name']):
        # a code names one product: it goes first
        if product.code in typed:
            found[product.code].insert(0, product)
        if product.name in typed and product.name != product.code:
            found[product.name].append(product)
    return found


def _townships(names):
    "Return {name or code: [areas]} of the townships typed in the sheet"
    Area = Pool().get('quarantine.area')
    found = defaultdict(list)
    for area, typed in _typed(Area, names, ['name', 'code']):
        for key in {area.name, area.code} & typed:
            found[key].append(area)
    return found


def _read_row(row, products, townships=None):
    date = row.cell('date')
    if isinstance(date, dt.datetime):
        date = date.date()
    elif row.text('date') == '':
        row.error('date', 'quarantine.msg_import_required')
        date = None
    elif not isinstance(date, dt.date):
        try:
            date = dt.date.fromisoformat(row.text('date').replace('/', '-'))
        except ValueError:
            row.error('date', 'quarantine_supply.msg_price_import_date',
                value=row.text('date'))
            date = None

    name = row.text('product')
    product = None
    if not name:
        row.error('product', 'quarantine.msg_import_required')
    elif not products.get(name):
        row.error('product', 'quarantine_supply.msg_price_import_product',
            value=name)
    elif len(products[name]) > 1 and products[name][0].code != name:
        row.error('product', 'quarantine_supply.msg_price_import_ambiguous',
            value=name)
    elif not products[name][0].price_monitored:
        row.error('product',
            'quarantine_supply.msg_price_import_not_monitored', value=name)
    else:
        product = products[name][0]

    price = row.cell('price')
    if text(price) == '':
        row.error('price', 'quarantine.msg_import_required')
        price = None
    else:
        try:
            if isinstance(price, bool):
                raise InvalidOperation
            price = Decimal(text(price).replace(',', ''))
            if not price.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            row.error('price', 'quarantine_supply.msg_price_import_number',
                value=text(price))
            price = None
        else:
            if price < 0:
                row.error('price',
                    'quarantine_supply.msg_price_import_negative',
                    value=row.text('price'))
                price = None
            else:
                price = price.quantize(PRICE_DIGITS)
    market = row.text('market') or None
    name, township = row.text('township'), None
    if name:
        if len((townships or {}).get(name, [])) != 1:
            row.error('township',
                'quarantine_supply.msg_price_import_township', value=name)
        else:
            township = townships[name][0]
    return PriceRow(row.number, date, product, price, market, township)


def _check_repeated(sheet, rows):
    "A product's price of a day at a market is given once"
    first_row = {}
    for row in rows:
        if not row.product or not row.date:
            continue
        key = (row.product.id, row.date, row.market or '')
        if key in first_row:
            sheet.error(row.row, 'product',
                'quarantine_supply.msg_price_import_repeated',
                row=first_row[key])
        else:
            first_row[key] = row.row


class PriceImportStart(SheetImportStart, ModelView):
    "Import Prices"
    __name__ = 'quarantine.supply.price.import.start'
    __string__ = "Import Prices"

    file = fields.Binary("Price Sheet (.xlsx)", required=True,
        filename='filename')
    template = fields.Binary("Template", readonly=True,
        filename='template_filename',
        help="An empty price sheet with the expected columns: date, "
        "product (name or code), price and market.")


class PriceImport(SheetImport, Wizard):
    "Import Prices"
    __name__ = 'quarantine.supply.price.import'
    start = import_start('quarantine.supply.price.import.start',
        'quarantine_supply.price_import_start_view_form')
    open_ = StateAction('quarantine_supply.act_price_form')
    error_filename = 'price_errors.xlsx'
    imported_state = 'open_'

    def default_start(self, fields):
        return {
            'template': template_workbook(),
            'template_filename': 'price_template.xlsx',
            }

    def read(self):
        return read_prices(self.start.file)

    def apply(self, rows):
        Price = Pool().get('quarantine.supply.price')
        return Price.import_prices(rows)


REPORT_COLUMNS = ["序号", "物资", "单位", "市场", "价格", "一周前价格",
    "周涨幅", "异常等级"]


def report_workbook(date, prices, grade_labels):
    "Return the bytes of the day's price monitoring report"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "价格监测"
    sheet.append([f"居民生活必需品价格监测报表 {date}"])
    sheet['A1'].font = Font(bold=True, size=14)
    sheet.append(REPORT_COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, price in enumerate(prices, 1):
        sheet.append([index, price.product.rec_name,
                price.unit.symbol if price.unit else None,
                price.market, price.price, price.week_ago_price,
                price.weekly_rise,
                grade_labels.get(price.grade) if price.grade else None])
        sheet.cell(sheet.max_row, 7).number_format = '0.0%'
    for letter, width in zip('ABCDEFGH', [6, 20, 8, 16, 10, 12, 10, 10]):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = 'A3'
    return save(workbook)


class PriceReportStart(ModelView):
    "Price Monitoring Report"
    __name__ = 'quarantine.supply.price.report.start'
    __string__ = "Price Monitoring Report"

    date = fields.Date("Date", required=True)


class PriceReportResult(SheetExportResult, ModelView):
    "Price Monitoring Report"
    __name__ = 'quarantine.supply.price.report.result'
    __string__ = "Price Monitoring Report File"
    file_string = "Report"
    count_string = "Prices"


class PriceReport(SheetExport, Wizard):
    "Price Monitoring Report"
    __name__ = 'quarantine.supply.price.report'
    start, export, result = export_states(
        'quarantine.supply.price.report', 'quarantine_supply.price_report')
    # the prices are the city's: no site to propose
    site_field = None

    def start_values(self, today):
        return {'date': today}

    def transition_export(self):
        Price = Pool().get('quarantine.supply.price')
        date = self.start.date
        prices = sorted(Price.search([('date', '=', date)]),
            key=lambda p: (p.product.rec_name, p.market or ''))
        labels = selection_labels(Price, 'grade')
        return self.deliver(report_workbook(date, prices, labels),
            f'price-report-{date}.xlsx', len(prices))
