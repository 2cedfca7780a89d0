# This file is part of the quarantine_supply module.  See README.md.
"""Market monitoring as Ruijin plans it (R L2664–2732): the market anomaly
level of a day from all its triggers (prices up over a week, rush buying,
shortages and stock-outs by township), the response each level opens with
who does what by when, and the daily supply survey (生活必需品市场供求情况
日调查) of the contracted enterprises, with its zero report and deadline."""
import datetime as dt
from collections import namedtuple

from trytond.i18n import gettext
from trytond.model import (
    Check, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.quarantine.common import FreshCopy, due_at, refuse
from trytond.modules.quarantine.report import selection_labels
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import MarketError, SurveyError
from .price import GRADES, SEVERITY, WEEK

LEVELS = GRADES
INCIDENT_KINDS = [
    ('rush', "Rush Buying"),
    ('short', "Short Supply"),
    ('out', "Out of Stock"),
    ]

# The response each level opens (R L2700–2732): (owner, task, minutes from
# the opening the task is due in, None where the plan gives no time)
RESPONSE_TASKS = {
    'mild': [
        ('msg_market_owner_commerce', 'msg_market_task_mild_supply', None),
        ('msg_market_owner_regulation', 'msg_market_task_mild_prices',
            None),
        ('msg_market_owner_transport', 'msg_market_task_mild_green',
            None),
        ],
    'major': [
        ('msg_market_owner_ndrc', 'msg_market_task_major_hub_staff',
            6 * 60),
        ('msg_market_owner_hub', 'msg_market_task_major_hub_vehicles',
            12 * 60),
        ('msg_market_owner_commerce', 'msg_market_task_major_sources',
            None),
        ('msg_market_owner_transport', 'msg_market_task_major_passes',
            None),
        ('msg_market_owner_agriculture', 'msg_market_task_major_farm',
            None),
        ],
    'severe': [
        ('msg_market_owner_ndrc', 'msg_market_task_severe_caps', None),
        ('msg_market_owner_commerce', 'msg_market_task_severe_rationing',
            None),
        ('msg_market_owner_transport', 'msg_market_task_severe_transport',
            30),
        ('msg_market_owner_agriculture', 'msg_market_task_severe_grain',
            None),
        ('msg_market_owner_industry', 'msg_market_task_severe_noodles',
            None),
        ('msg_market_owner_post', 'msg_market_task_severe_delivery', None),
        ('msg_market_owner_finance', 'msg_market_task_severe_funds', None),
        ],
    }

Evaluation = namedtuple('Evaluation', ['level', 'townships', 'triggers'])


def most_severe(*levels):
    return max(levels, key=lambda level: SEVERITY[level])


def township_level(count):
    "The level the number of townships with an anomaly reaches"
    if count >= 3:
        return 'severe'
    if count == 2:
        return 'major'
    if count == 1:
        return 'mild'
    return None


def stock_out_level(days):
    """The level a necessity out of stock for days reaches: a week is major,
    more than a week severe, less a shortage (mild)"""
    if days > WEEK:
        return 'severe'
    if days == WEEK:
        return 'major'
    return 'mild'


def survey_deadline(date):
    "The time the survey and prices of the date are due by (same day)"
    Configuration = Pool().get('quarantine.configuration')
    return due_at(date, Configuration(1).survey_hour)


class Configuration(metaclass=PoolMeta):
    __name__ = 'quarantine.configuration'

    survey_hour = fields.Integer("Supply Survey Deadline (hour)",
        required=True,
        help="The daily supply survey and the day's prices are due by this "
        "hour of the day; those submitted later are marked late.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('survey_hour_range', Check(t,
                    (t.survey_hour >= 0) & (t.survey_hour <= 23)),
                'quarantine_supply.msg_survey_hour_range'),
            ]

    @classmethod
    def default_survey_hour(cls):
        return 10


class Price(metaclass=PoolMeta):
    __name__ = 'quarantine.supply.price'

    late = fields.Function(fields.Boolean("Late",
            help="Recorded after the deadline of the day's supply survey."),
        'get_late')

    @classmethod
    def get_late(cls, prices, name):
        Configuration = Pool().get('quarantine.configuration')
        hour = Configuration(1).survey_hour
        return {p.id: bool(p.create_date
                and p.create_date > due_at(p.date, hour))
            for p in prices}


class Incident(ModelSQL, ModelView):
    "Market Incident"
    __name__ = 'quarantine.supply.market.incident'
    __string__ = "Market Incident"

    kind = fields.Selection(INCIDENT_KINDS, "Kind", required=True,
        help="Rush buying (抢购), a necessity in short supply or out of "
        "stock (断档脱销) in a township.")
    township = fields.Many2One('quarantine.area', "Township", required=True,
        ondelete='RESTRICT',
        help="The township (乡镇) where it was reported.")
    product = fields.Many2One('product.product', "Product",
        ondelete='RESTRICT',
        states={'required': Eval('kind') != 'rush'},
        help="The necessity short or out of stock (empty for rush buying "
        "of everything).")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=['OR',
            ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None)),
            ],
        help="Empty while it lasts.")
    notes = fields.Text("Notes")
    days = fields.Function(fields.Integer("Days",
            help="How long it has lasted: to the end date, or to today."),
        'get_days')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_required', Check(t,
                    (t.kind == 'rush') | (t.product != None)),  # noqa: E711
                'quarantine_supply.msg_market_incident_product'),
            ('dates', Check(t, (t.end_date == None)  # noqa: E711
                    | (t.end_date >= t.start_date)),
                'quarantine_supply.msg_market_incident_dates'),
            ]
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('kind') == 'out', 'danger', ''),
                ['kind']),
            ]

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    def lasted(self, date):
        "The days it has lasted on date"
        return (min(self.end_date or date, date) - self.start_date).days

    def get_days(self, name):
        return self.lasted(Pool().get('ir.date').today())

    def get_rec_name(self, name):
        kinds = selection_labels(self, 'kind')
        parts = [kinds[self.kind], self.township.rec_name]
        if self.product:
            parts.append(self.product.rec_name)
        return ' / '.join(parts)

    @classmethod
    def validate_fields(cls, incidents, field_names):
        super().validate_fields(incidents, field_names)
        today = Pool().get('ir.date').today()
        refuse(incidents, lambda i: i.start_date > today, MarketError,
            'quarantine_supply.msg_market_incident_future', 'incident')

    @classmethod
    def active(cls, date):
        "The incidents that last on date"
        return cls.search([
                ('start_date', '<=', date),
                ['OR',
                    ('end_date', '=', None),
                    ('end_date', '>=', date),
                    ],
                ])


def market_level(date):
    """The market anomaly level of date (R L2664–2672) from all its
    triggers: the most severe any trigger reaches"""
    pool = Pool()
    Price = pool.get('quarantine.supply.price')
    Incident = pool.get('quarantine.supply.market.incident')
    Response = pool.get('quarantine.supply.market.response')
    levels = selection_labels(Response, 'level')
    kinds = selection_labels(Incident, 'kind')
    level, townships, triggers = None, {}, []
    prices = Price.search([('date', '=', date)])
    trends = Price.trends([p.id for p in prices])
    for price in prices:
        trend = trends[price.id]
        if not trend.grade:
            continue
        level = most_severe(level, trend.grade)
        if price.township:
            townships[price.township.id] = price.township.rec_name
        triggers.append(gettext('quarantine_supply.msg_market_trigger_price',
                level=levels[trend.grade], product=price.product.rec_name,
                where=(price.township.rec_name if price.township
                    else price.market or '-'),
                rise=f'{trend.rise:.0%}'))
    for incident in Incident.active(date):
        if incident.kind == 'out':
            days = incident.lasted(date)
            incident_level = stock_out_level(days)
        else:
            days, incident_level = None, 'mild'
        level = most_severe(level, incident_level)
        townships[incident.township.id] = incident.township.rec_name
        triggers.append(gettext(
                'quarantine_supply.msg_market_trigger_incident',
                level=levels[incident_level], kind=kinds[incident.kind],
                township=incident.township.rec_name,
                product=incident.product.rec_name if incident.product
                else '-',
                days=days if days is not None else '-'))
    if townships:
        spread = township_level(len(townships))
        level = most_severe(level, spread)
        triggers.append(gettext(
                'quarantine_supply.msg_market_trigger_townships',
                level=levels[spread], count=len(townships),
                townships='、'.join(sorted(townships.values()))))
    return Evaluation(level, sorted(townships.values()), triggers)


class Response(FreshCopy, Workflow, ModelSQL, ModelView):
    "Market Response"
    __name__ = 'quarantine.supply.market.response'
    __string__ = "Market Response"
    _states = {'readonly': Eval('state') != 'draft'}

    date = fields.Date("Date", required=True, states=_states,
        help="The day whose market is evaluated.")
    level = fields.Selection(LEVELS, "Level", readonly=True,
        help="The most severe level any trigger of the day reaches "
        "(Ruijin: mild, major, severe).")
    triggers = fields.Text("Triggers", readonly=True,
        help="What made the level: the prices up over a week, the rush "
        "buying, shortages and stock-outs, the townships affected.")
    opened_at = fields.DateTime("Opened at", readonly=True)
    closed_at = fields.DateTime("Closed at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)
    tasks = fields.One2Many('quarantine.supply.market.response.task',
        'response', "Tasks",
        help="Who does what by when: the measures of the level's plan.")
    del _states
    fresh_copy = ('level', 'triggers', 'opened_at', 'closed_at', 'tasks')
    fresh_copy_values = {'state': 'draft'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            }
        cls._buttons.update({
                'evaluate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('level') == 'severe', 'danger',
                    If(Eval('level') == 'major', 'warning', '')),
                ['level']),
            ]

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        levels = selection_labels(self, 'level')
        return ' / '.join(filter(None, [str(self.date),
                    levels.get(self.level) if self.level else None]))

    @classmethod
    def check_modification(cls, mode, responses, values=None,
            external=False):
        super().check_modification(
            mode, responses, values=values, external=external)
        if mode == 'delete':
            refuse(responses, lambda r: r.state != 'draft', MarketError,
                'quarantine_supply.msg_market_response_delete', 'response')

    @classmethod
    @ModelView.button
    def evaluate(cls, responses):
        "Fill the level and the triggers of the day"
        for response in responses:
            result = market_level(response.date)
            response.level = result.level
            response.triggers = '\n'.join(result.triggers)
        cls.save(responses)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, responses):
        """Open the response of the level the day reaches (启动响应), with
        the tasks of the level and their deadlines"""
        pool = Pool()
        Task = pool.get('quarantine.supply.market.response.task')
        now = dt.datetime.now().replace(microsecond=0)
        cls.evaluate(responses)
        refuse(responses, lambda r: not r.level, MarketError,
            'quarantine_supply.msg_market_no_anomaly', 'response')
        levels = [r.level for r in responses]
        for response in responses:
            if levels.count(response.level) > 1:
                raise MarketError(gettext(
                        'quarantine_supply.msg_market_response_open',
                        response=response.rec_name))
        for response in cls.search([
                    ('state', '=', 'open'),
                    ('level', 'in', levels),
                    ]):
            raise MarketError(gettext(
                    'quarantine_supply.msg_market_response_open',
                    response=response.rec_name))
        tasks = []
        for response in responses:
            response.opened_at = now
            tasks.extend(Task.of_level(response, now))
        cls.save(responses)
        Task.save(tasks)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, responses):
        cls.write(responses, {
                'closed_at': dt.datetime.now().replace(microsecond=0)})

    @classmethod
    def open_automatically(cls, date=None):
        """Open the response of the level the market reaches on date (today
        by default) unless one of that level is open; return it or None"""
        date = date or Pool().get('ir.date').today()
        level = market_level(date).level
        if not level or cls.search([
                    ('state', '=', 'open'), ('level', '=', level)]):
            return None
        response, = cls.create([{'date': date}])
        cls.open([response])
        return response


class ResponseTask(ModelSQL, ModelView):
    "Market Response Task"
    __name__ = 'quarantine.supply.market.response.task'
    __string__ = "Market Response Task"

    response = fields.Many2One('quarantine.supply.market.response',
        "Response", required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    owner = fields.Char("Owner", required=True,
        help="The department that carries the task out.")
    description = fields.Text("Description", required=True)
    deadline = fields.DateTime("Deadline",
        help="When it must be done; empty where the plan gives no time.")
    done = fields.Boolean("Done")
    level = fields.Function(fields.Selection(LEVELS, "Level"),
        'on_change_with_level')
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('response', 'DESC'), ('sequence', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue', False), 'danger', ''),
                ['overdue']),
            ]

    @classmethod
    def default_done(cls):
        return False

    @fields.depends('response', '_parent_response.level')
    def on_change_with_level(self, name=None):
        return self.response.level if self.response else None

    def get_overdue(self, name):
        return bool(not self.done and self.deadline
            and self.deadline < dt.datetime.now())

    def get_rec_name(self, name):
        return f'{self.owner}: {self.description}'

    @classmethod
    def of_level(cls, response, opened_at):
        "The unsaved tasks of the response's level opened at opened_at"
        Configuration = Pool().get('ir.configuration')
        # in the user's language, or the city's when the scheduler opens it
        language = (Transaction().context.get('language')
            or Configuration.get_language())
        tasks = []
        for sequence, (owner, description, minutes) in enumerate(
                RESPONSE_TASKS[response.level], 1):
            tasks.append(cls(response=response, sequence=sequence * 10,
                    owner=gettext(f'quarantine_supply.{owner}',
                        language=language),
                    description=gettext(f'quarantine_supply.{description}',
                        language=language),
                    deadline=(opened_at + dt.timedelta(minutes=minutes)
                        if minutes is not None else None),
                    done=False))
        return tasks


class Survey(ModelSQL, ModelView):
    "Daily Supply Survey"
    __name__ = 'quarantine.supply.survey'
    __string__ = "Daily Supply Survey"

    contract = fields.Many2One('quarantine.supply.contract', "Supplier",
        required=True, ondelete='RESTRICT',
        domain=[('state', '=', 'active')],
        help="The contracted enterprise that reports.")
    date = fields.Date("Date", required=True)
    submitted_at = fields.DateTime("Submitted at", readonly=True)
    zero = fields.Boolean("Zero Report",
        help="Nothing to report that day: no production, inflow, stock "
        "or sales (零报告).")
    late = fields.Boolean("Late", readonly=True,
        help="Submitted after the deadline of the configuration.")
    lines = fields.One2Many('quarantine.supply.survey.line', 'survey',
        "Figures", states={'invisible': Eval('zero', False)})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('contract_date_unique', Unique(t, t.contract, t.date),
                'quarantine_supply.msg_survey_unique'),
            ]
        cls._order = [('date', 'DESC'), ('contract', 'ASC'), ('id', 'DESC')]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('late', False), 'warning', ''),
                ['late']),
            ]

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_zero(cls):
        return False

    def get_rec_name(self, name):
        return f'{self.contract.rec_name} / {self.date}'

    @classmethod
    def create(cls, vlist):
        now = dt.datetime.now().replace(microsecond=0)
        vlist = [dict(v, submitted_at=now) for v in vlist]
        surveys = super().create(vlist)
        # late against the deadline of each survey's day
        for late in [True, False]:
            records = [s for s in surveys
                if (now > survey_deadline(s.date)) == late]
            if records:
                super().write(records, {'late': late})
        return surveys

    @classmethod
    def validate(cls, surveys):
        super().validate(surveys)
        today = Pool().get('ir.date').today()
        refuse(surveys, lambda s: s.date > today, SurveyError,
            'quarantine_supply.msg_survey_future', 'survey')
        refuse(surveys, lambda s: s.zero and s.lines, SurveyError,
            'quarantine_supply.msg_survey_zero_figures', 'survey')
        refuse(surveys, lambda s: not s.zero and not s.lines, SurveyError,
            'quarantine_supply.msg_survey_empty', 'survey')

    @classmethod
    def missing(cls, date):
        "The active contracts without a survey of date"
        Contract = Pool().get('quarantine.supply.contract')
        reported = {s.contract.id for s in cls.search([('date', '=', date)])}
        return [c for c in Contract.search([('state', '=', 'active')])
            if c.id not in reported]


class SurveyLine(ModelSQL, ModelView):
    "Daily Supply Survey Line"
    __name__ = 'quarantine.supply.survey.line'
    __string__ = "Daily Supply Survey Line"

    survey = fields.Many2One('quarantine.supply.survey', "Survey",
        required=True, ondelete='CASCADE')
    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='RESTRICT')
    unit = fields.Many2One('product.uom', "Unit", required=True,
        ondelete='RESTRICT')
    production = fields.Float("Production", digits='unit',
        help="Produced that day (生产量).")
    inflow = fields.Float("Inflow", digits='unit',
        help="Brought in that day (调入量).")
    stock = fields.Float("Stock", digits='unit',
        help="In stock at the end of the day (存量).")
    sales = fields.Float("Sales", digits='unit',
        help="Sold or consumed that day (消费量).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_unique', Unique(t, t.survey, t.product),
                'quarantine_supply.msg_survey_line_unique'),
            ]
        for name in ['production', 'inflow', 'stock', 'sales']:
            column = getattr(t, name)
            cls._sql_constraints.append(
                (f'{name}_positive', Check(t,
                        (column == None) | (column >= 0)),  # noqa: E711
                    'quarantine_supply.msg_survey_negative'))

    @fields.depends('product', 'unit')
    def on_change_product(self):
        if self.product and not self.unit:
            self.unit = self.product.default_uom


class Contract(metaclass=PoolMeta):
    __name__ = 'quarantine.supply.contract'

    survey_missing = fields.Function(fields.Boolean("Survey Missing",
            help="Active and without its daily supply survey of today."),
        'get_survey_missing', searcher='search_survey_missing')

    @classmethod
    def get_survey_missing(cls, contracts, name):
        Date = Pool().get('ir.date')
        missing = {c.id for c in
            Pool().get('quarantine.supply.survey').missing(Date.today())}
        return {c.id: c.id in missing for c in contracts}

    @classmethod
    def search_survey_missing(cls, name, clause):
        pool = Pool()
        Survey = pool.get('quarantine.supply.survey')
        today = pool.get('ir.date').today()
        survey = Survey.__table__()
        _, operator, value = clause[:3]
        reported = survey.select(survey.contract,
            where=survey.date == today)
        missing = (operator == '=') == bool(value)
        if missing:
            return [('state', '=', 'active'), ('id', 'not in', reported)]
        return ['OR', ('state', '!=', 'active'), ('id', 'in', reported)]


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('quarantine.supply.market.response|open_automatically',
                "Open Market Responses"))

