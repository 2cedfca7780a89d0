# This file is part of the quarantine module.  See README.md for licensing.
"""Nucleic acid samples: the test calendar of each resident, results, and
the rules of the exit day (two specimens, different institutions and
reagents: 双采双检)."""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.wizard import StateTransition, Wizard

from .bounds import check_not_future
from .exceptions import FutureDateError, SampleError
from .registry import insert_rows, update_rows
from .common import (
    check_access_first, check_records, due_times, overdue_domain,
    overdue_flags, rec_name_domain, start_view)

# What a recorded result holds: set once, by record_results
RESULT_FIELDS = {'result', 'institution', 'reagent', 'collected_at'}
# The residents whose results are due sooner: the plans' key groups
# (重点人群), the contacts
CONTACT_CATEGORIES = ('close_contact', 'secondary_contact')
RESULTS = [
    ('pending', "Pending"),
    ('negative', "Negative"),
    ('positive', "Positive"),
    ('invalid', "Invalid"),
    ]


def planned_samples(regime, start, end_date, test_days=None, arrival=None):
    """Yield (day, planned date, exit) of the tests of a stay from protocol
    day 1 = `start` to `end_date`; the last day gets two specimens when the
    regime asks for dual sampling.

    No test is planned before `arrival`: when the regime counts from the
    last exposure, the resident may arrive on a later protocol day.  The
    plans test on "隔离的第1天", the first day in isolation: the tests of
    the days before arrival become one test on the arrival day (its
    protocol day), unless a test is planned that day anyway."""
    last_day = (end_date - start).days + 1
    if test_days is None:
        test_days = regime.test_day_list
    days = [d for d in test_days if d < last_day]
    if arrival and arrival > start:
        first_day = min((arrival - start).days + 1, last_day)
        if any(d < first_day for d in days) and first_day not in days:
            days.append(first_day)
        days = sorted(d for d in days if first_day <= d < last_day)
    for day in days:
        yield day, start + dt.timedelta(days=day - 1), False
    exits = 2 if regime.exit_dual_sampling else 1
    for _ in range(exits):
        yield last_day, end_date, regime.exit_dual_sampling


def match_pending(pending, wanted):
    """Pair the pending samples of a stay with the tests still wanted,
    (day, planned date, exit) tuples: a sample keeps its test when the day
    is still planned, else it takes the next test of its kind (routine or
    exit), its date moving.  Return (pairs, samples left over, tests
    without a sample)"""
    free = list(wanted)
    pairs, rest, left = [], [], []
    pending = sorted(pending, key=lambda s: (s.planned_date, s.id))
    for sample in pending:
        key = (sample.day, sample.exit_sample)
        for i, test in enumerate(free):
            if (test[0], test[2]) == key:
                pairs.append((sample, free.pop(i)))
                break
        else:
            rest.append(sample)
    for sample in rest:
        for i, test in enumerate(free):
            if test[2] == sample.exit_sample:
                pairs.append((sample, free.pop(i)))
                break
        else:
            left.append(sample)
    return pairs, left, free


class Sample(ModelSQL, ModelView):
    "Nucleic Acid Sample"
    __name__ = 'quarantine.sample'
    _history = True
    __string__ = "Nucleic Acid Sample"

    _states = {'readonly': Eval('result') != 'pending'}

    stay = fields.Many2One('quarantine.stay', "Stay", required=True,
        ondelete='CASCADE', readonly=True)
    site = fields.Function(fields.Many2One('quarantine.site', "Site"),
        'get_stay_field', searcher='search_stay_field')
    room = fields.Function(fields.Many2One('quarantine.room', "Room"),
        'get_stay_field', searcher='search_stay_field')
    code = fields.Function(fields.Char("Sample Code",
            help="Printed on the tube; a lab's result sheet may use it."),
        'get_code', searcher='search_code')
    day = fields.Integer("Day", required=True, readonly=True,
        help="Protocol day: day 1 is the start date of the stay.")
    planned_date = fields.Date("Planned Date", required=True, readonly=True)
    exit_sample = fields.Boolean("Exit Sample", readonly=True,
        help="One of the two specimens of the exit day.")
    collected_at = fields.DateTime("Collected at", states=_states)
    institution = fields.Many2One('party.party', "Sampling Institution",
        states=_states)
    reagent = fields.Char("Reagent", size=100, states=_states,
        help="Reagent (kit) used by the laboratory.")
    result = fields.Selection(RESULTS, "Result", required=True,
        readonly=True)
    result_string = result.translated('result')
    resampled = fields.Boolean("Resampled", readonly=True,
        help="An invalid result for which a new sample was planned.")
    laboratory = fields.Function(fields.Many2One('party.party',
            "Laboratory",
            help="The sampling institution, or else the laboratory of the "
            "resident's site."),
        'get_laboratory', searcher='search_laboratory')
    result_due = fields.Function(fields.DateTime("Result Due",
            help="Collected at plus 6 hours for a contact, 12 hours for "
            "the others (configurable)."),
        'get_result_due')
    result_overdue = fields.Function(fields.Boolean("Result Overdue",
            help="Collected, still pending, and past its result's due "
            "time."),
        'get_result_overdue', searcher='search_result_overdue')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.planned_date, Index.Range()),
                    (t.result, Index.Equality(cardinality='low'))),
                Index(t, (t.stay, Index.Range())),
                })
        cls._order = [('planned_date', 'ASC'), ('stay', 'ASC'),
            ('id', 'ASC')]
        cls._buttons.update({
                'resample': {
                    'invisible': ~((Eval('result') == 'invalid')
                        | (Eval('exit_sample', False)
                            & (Eval('result') == 'negative')))
                    | Eval('resampled', False),
                    'depends': ['result', 'resampled', 'exit_sample'],
                    'icon': 'tryton-refresh',
                    },
                })

    @staticmethod
    def default_result():
        return 'pending'

    @classmethod
    def validate_fields(cls, samples, field_names):
        super().validate_fields(samples, field_names)
        if 'collected_at' in field_names:
            check_not_future(samples, ['collected_at'], FutureDateError)

    def get_rec_name(self, name):
        return f'{self.code} {self.stay.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, 'code', 'stay.rec_name')

    def get_stay_field(self, name):
        value = getattr(self.stay, name)
        return value.id if value else None

    @classmethod
    def search_stay_field(cls, name, clause):
        return [(f'stay.{name}',) + tuple(clause[1:])]

    def get_laboratory(self, name):
        if self.institution:
            return self.institution.id
        site = self.stay.site
        return site.laboratory.id if site and site.laboratory else None

    @classmethod
    def search_laboratory(cls, name, clause):
        _, operator, value = clause[:3]
        return ['OR',
            ('institution', operator, value),
            [('institution', '=', None),
                ('stay.site.laboratory', operator, value)],
            ]

    @staticmethod
    def result_hours():
        "Return (hours for contacts, hours for the others)"
        Configuration = Pool().get('quarantine.configuration')
        config = Configuration(1)
        return config.result_hours_contact, config.result_hours_other

    @classmethod
    def get_result_due(cls, samples, name):
        contact, other = cls.result_hours()
        return due_times(samples, 'collected_at',
            lambda s: contact if s.stay.category in CONTACT_CATEGORIES
            else other)

    @classmethod
    def get_result_overdue(cls, samples, name):
        return overdue_flags(samples, cls.get_result_due(samples, name),
            ('result', 'pending'))

    @classmethod
    def search_result_overdue(cls, name, clause):
        "The pending samples collected longer ago than their results take"
        contact, other = cls.result_hours()
        return overdue_domain(cls, clause, ('result', 'pending'),
            'collected_at', [
                (('stay.category', 'in', CONTACT_CATEGORIES), contact),
                (('stay.category', 'not in', CONTACT_CATEGORIES), other),
                ])

    def get_code(self, name):
        return self.code_of(self.id)

    @staticmethod
    def code_of(sample_id):
        "The code printed on the tube of a sample"
        return f'S{sample_id:09d}'

    @classmethod
    def search_code(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'}:
            return [('id', '=', -1)]
        values = [value] if operator == '=' else value
        ids = []
        for code in values or []:
            code = (code or '').strip().upper()
            if code.startswith('S') and code[1:].isdigit():
                ids.append(int(code[1:]))
        return [('id', 'in', ids)]

    @classmethod
    def plan(cls, calendars):
        """Create the pending samples of (stay id, regime, start date, end
        date, arrival date) calendars, a bus at a time: one insert"""
        rows = []
        test_days = {}
        for stay_id, regime, start, end_date, arrival in calendars:
            if regime not in test_days:
                test_days[regime] = regime.test_day_list
            for day, date, exit_ in planned_samples(
                    regime, start, end_date, test_days[regime], arrival):
                rows.append((stay_id, day, date, exit_, 'pending'))
        insert_rows(cls, ['stay', 'day', 'planned_date', 'exit_sample',
                'result'], rows)

    @classmethod
    def replan(cls, stays):
        """Plan again the pending samples after a change of end date or
        regime: samples taken or with a result are kept, and a pending
        sample keeps its code, printed on a tube that may be labelled
        already: its date moves (see match_pending); only the tests no
        longer planned are deleted and the new ones added"""
        by_stay = samples_by_stay(cls, stays)
        moves, to_delete, rows = [], [], []
        for stay in stays:
            # a routine test of a day before arrival (planned so before
            # no test was) stands for the arrival day's
            arrival_day = (stay.arrival_date - stay.start_date).days + 1
            done = defaultdict(int)
            pending = []
            for sample in by_stay[stay.id]:
                if sample.result == 'pending' and not sample.collected_at:
                    pending.append(sample)
                elif not sample.resampled:
                    # a sample taken again leaves its test to the new one
                    day = sample.day if sample.exit_sample else max(
                        sample.day, arrival_day)
                    done[(day, sample.exit_sample)] += 1
            wanted = []
            for day, date, exit_ in planned_samples(stay.regime,
                    stay.start_date, stay.end_date,
                    arrival=stay.arrival_date):
                if done[(day, exit_)]:
                    done[(day, exit_)] -= 1
                else:
                    wanted.append((day, date, exit_))
            pairs, left, new = match_pending(pending, wanted)
            moves.extend((sample.id, day, date, exit_)
                for sample, (day, date, exit_) in pairs
                if (sample.day, sample.planned_date, sample.exit_sample)
                != (day, date, exit_))
            to_delete.extend(left)
            rows.extend((stay.id, day, date, exit_, 'pending')
                for day, date, exit_ in new)
        if to_delete:
            cls.delete(to_delete)
        if moves:
            update_rows(cls, ['day', 'planned_date', 'exit_sample'], moves)
        insert_rows(cls, ['stay', 'day', 'planned_date', 'exit_sample',
                'result'], rows)

    @classmethod
    def record_results(cls, samples, result, institution=None, reagent=None,
            collected_at=None):
        "Record a result on samples of admitted stays"
        Stay = Pool().get('quarantine.stay')
        for sample in samples:
            if sample.stay.state != 'admitted':
                raise SampleError(gettext(
                        'quarantine.msg_sample_stay_not_admitted',
                        sample=sample.rec_name,
                        state=sample.stay.state_string))
        values = {'result': result}
        if institution:
            values['institution'] = institution.id
        if reagent:
            values['reagent'] = reagent
        values['collected_at'] = collected_at or dt.datetime.now()
        cls.write(list(samples), values)
        if result == 'positive':
            Stay.flag_positive([s.stay for s in samples])

    @classmethod
    @ModelView.button
    def resample(cls, samples):
        """Plan a new specimen, today, for an invalid result, or for an exit
        specimen that does not make the exit pair (same institution or
        reagent as the other)"""
        Date = Pool().get('ir.date')
        today = Date.today()
        samples = [s for s in samples if not s.resampled and (
                s.result == 'invalid'
                or (s.exit_sample and s.result == 'negative'))]
        cls.create([{
                    'stay': s.stay.id,
                    'day': s.day,
                    'planned_date': max(today, s.planned_date),
                    'exit_sample': s.exit_sample,
                    } for s in samples])
        cls.write(samples, {'resampled': True})

    @classmethod
    def write(cls, *args):
        "A recorded result is not changed: the sample is taken again"
        actions = iter(args)
        for samples, values in zip(actions, actions):
            if values.keys() & RESULT_FIELDS:
                check_access_first(cls, samples, 'write')
                for sample in samples:
                    if sample.result != 'pending':
                        raise SampleError(gettext(
                                'quarantine.msg_sample_result_recorded',
                                sample=sample.rec_name))
        super().write(*args)

    @classmethod
    def delete(cls, samples):
        check_access_first(cls, samples, 'delete')
        for sample in samples:
            if sample.result != 'pending' or sample.collected_at:
                raise SampleError(gettext(
                        'quarantine.msg_sample_delete_done',
                        sample=sample.rec_name))
        super().delete(samples)


def exit_problems(samples):
    """Return the message ids and values of what the exit day lacks: two
    negative specimens by different institutions with different reagents
    (among the exit specimens, some may have been taken again)"""
    exits = [s for s in samples if s.exit_sample]
    negative = [s for s in exits if s.result == 'negative']
    if len(exits) < 2:
        return [('quarantine.msg_release_exit_missing', {})]
    if len(negative) < 2:
        return [('quarantine.msg_release_exit_not_negative', {})]

    def reagent(sample):
        return (sample.reagent or '').strip().lower()
    pairs = [(a, b) for i, a in enumerate(negative) for b in negative[i + 1:]]
    if any(a.institution and b.institution and a.institution != b.institution
            and reagent(a) and reagent(b) and reagent(a) != reagent(b)
            for a, b in pairs):
        return []
    problems = []
    if not any(a.institution and b.institution
            and a.institution != b.institution for a, b in pairs):
        problems.append(('quarantine.msg_release_exit_institution', {}))
    if not any(reagent(a) and reagent(b) and reagent(a) != reagent(b)
            for a, b in pairs):
        problems.append(('quarantine.msg_release_exit_reagent', {}))
    return problems or [('quarantine.msg_release_exit_pair', {})]


class RecordResultsStart(ModelView):
    "Record Results"
    __name__ = 'quarantine.sample.record.start'
    __string__ = "Record Results"

    result = fields.Selection(RESULTS[1:], "Result", required=True)
    institution = fields.Many2One('party.party', "Sampling Institution")
    reagent = fields.Char("Reagent", size=100)
    collected_at = fields.DateTime("Collected at", required=True)
    count = fields.Integer("Samples", readonly=True)


class RecordResults(Wizard):
    """Record Results

    Select the day's samples of a roster and mark them all negative, then
    select the exceptions and record them again."""
    __name__ = 'quarantine.sample.record'
    start = start_view('quarantine.sample.record.start',
        'quarantine.sample_record_start_view_form', "Record", 'record')
    record = StateTransition()

    def default_start(self, fields):
        return {
            'result': 'negative',
            # sao shows no microseconds: it would take the field as edited
            'collected_at': dt.datetime.now().replace(microsecond=0),
            'count': len(self.records),
            }

    def transition_record(self):
        Sample = Pool().get('quarantine.sample')
        start = self.start
        check_records(self.records)
        Sample.record_results(self.records, start.result,
            institution=start.institution, reagent=start.reagent,
            collected_at=start.collected_at)
        return 'end'

    def end(self):
        # the web client searches the list again: the samples recorded
        # leave the selection, and the tab 结果未出, so that the next batch
        # starts from none
        return 'reload'


def samples_by_stay(Sample, stays):
    result = defaultdict(list)
    for sub_stays in grouped_slice(stays, 1000):
        for sample in Sample.search([
                    ('stay', 'in', [s.id for s in sub_stays]),
                    ], order=[('planned_date', 'ASC'), ('id', 'ASC')]):
            result[sample.stay.id].append(sample)
    return result
