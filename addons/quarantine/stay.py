# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
import hmac
import json
from collections import defaultdict, namedtuple

from sql import Null
from sql.aggregate import Count
from sql.operators import Equal
from reports.identity import mask_identity
from stdnum.cn import ric

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Check, Exclude, Index, ModelSQL, ModelView, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import StateTransition, Wizard

from .allocation import plan_allocation, units_of
from .bounds import arrival_date_error, field_label, future_error
from .entry import (
    Entry, PersonEntry, compact_number, document_of,
    find_or_create_persons)
from .exceptions import (
    AllocationError, EntryError, ExportAccessError, ReleaseError, StayError,
    StayValidationError)
from .followup import home_monitoring_end
from .history import change_logs
from .registry import (
    BulkWorkflow, check_rules, insert_rows, update_rows)
from .sample import exit_problems, samples_by_stay
from .verification import normalize_code
from .common import (
    check_access_first, check_records, due_times, overdue_domain,
    overdue_flags, readable, rec_name_domain, start_view)

CHILD_MAX_AGE = 14
# The fields whose changes the stay's change log lists
LOGGED_FIELDS = ['state', 'site', 'room', 'category', 'regime',
    'arrival_date', 'end_date', 'companion_of', 'certificate_number']
# Residents with these needs, or of the configured elderly age, are given
# accessible (or low-floor) rooms first.
ACCESSIBLE_NEEDS = {'elderly', 'disabled'}
# What the allocation plan reads of stays and rooms (see allocation.py)
Resident = namedtuple('Resident',
    ['id', 'category', 'group_name', 'companion_of', 'needs_accessible'])
Admission = namedtuple('Admission', ['id', 'state', 'site', 'room',
        'room_site', 'room_state', 'companion_of', 'regime', 'exposure_date',
        'arrival_date', 'end_date', 'guardian_consent', 'consent_signed_by',
        'consent_signed_at'])
FreeRoom = namedtuple('FreeRoom',
    ['id', 'building', 'floor', 'sequence', 'accessible'])
in_ = fields.SQL_OPERATORS['in']
IN_MAX = backend.MAX_QUERY_PARAMS
OPEN_STATES = ('draft', 'admitted')
SPECIAL_NEEDS = [
    ('elderly', "Elderly"),
    ('pregnant', "Pregnant"),
    ('disabled', "Disabled"),
    ('child', "Child"),
    ('chronic', "Chronic Illness"),
    ('psychiatric', "Psychiatric Illness"),
    ]
CATEGORIES = [
    ('close_contact', "Close Contact"),
    ('secondary_contact', "Secondary Contact"),
    ('inbound', "Inbound Traveller"),
    ('risk_area', "From a Risk Area"),
    ('other', "Other"),
    ]
# The regime (code) a stay of a category gets unless one is chosen: the
# secondary contacts' 7 days (Henan L125), the 14 days for the others.
# The form, the RPC create, the arrival list and the transfers' hand-over
# all take it from default_regimes.
DEFAULT_REGIME = 'centralized_14'
CATEGORY_REGIMES = {
    'secondary_contact': 'secondary_contact',
    }


def default_regimes(categories):
    """Return {category: regime} of the regime each category gets by
    default (the 14 days when a category's own regime was deleted)"""
    Regime = Pool().get('quarantine.regime')
    codes = {c: CATEGORY_REGIMES.get(c, DEFAULT_REGIME) for c in categories}
    with without_check_access():
        by_code = {r.code: r for r in Regime.search([
                    ('code', 'in', list(set(codes.values())
                            | {DEFAULT_REGIME})),
                    ])}
    return {c: by_code.get(code, by_code.get(DEFAULT_REGIME))
        for c, code in codes.items()}


def identity_facts(number):
    """Return (birth date, sex) of a valid resident identity card number
    (18 characters: the birth date at 7-14, the sex by the 17th digit)"""
    birth_date = dt.date(
        int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return birth_date, 'male' if int(number[16]) % 2 else 'female'


def start_date_of(regime, exposure_date, arrival_date):
    "Protocol day 1: the last exposure or the arrival, as the regime counts"
    return (exposure_date if regime.count_from == 'exposure'
        else arrival_date) or arrival_date


def end_date_of(regime, exposure_date, arrival_date, home_days_served=0):
    """Last day of isolation: the start date chosen by the regime is
    protocol day 1; days already served at home are deducted"""
    start = start_date_of(regime, exposure_date, arrival_date)
    days = max(regime.duration_days - (home_days_served or 0), 1)
    return start + dt.timedelta(days=days - 1)


def as_date(value):
    "A date read by SQL: SQLite may give its text"
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def identity_error(number):
    "Return the translated reason why an identity number is refused, or None"
    try:
        ric.validate(number)
    except ric.InvalidChecksum:
        msg_id = 'quarantine.msg_identity_checksum'
    except ric.InvalidComponent:
        msg_id = 'quarantine.msg_identity_birth_date'
    except ric.ValidationError:
        msg_id = 'quarantine.msg_identity_format'
    else:
        birth_date = ric.get_birth_date(number)
        # no transaction needed: the arrival list is read outside of one
        if birth_date <= dt.date.today():
            return None
        return gettext('quarantine.msg_identity_birth_future',
            number=number, birth_date=birth_date)
    return gettext(msg_id, number=number)


def consent_error(consent, signed_by, signed_at, required=False):
    """Return the id of the message refusing a guardian's consent as
    recorded (ticked, by whom, when), or None; `required`: a consent must
    be there"""
    if consent:
        if not (signed_by or '').strip() or not signed_at:
            return 'quarantine.msg_stay_consent_incomplete'
    elif required:
        return 'quarantine.msg_stay_consent_missing'
    elif (signed_by or '').strip() or signed_at:
        return 'quarantine.msg_stay_consent_unticked'
    return None


def age_on(birth_date, date):
    if not birth_date or not date:
        return None
    return date.year - birth_date.year - (
        (date.month, date.day) < (birth_date.month, birth_date.day))


def needs_accessible_room(special_needs, birth_date, arrival_date,
        elderly_age):
    "Whether a resident needs an accessible or low-floor room"
    age = age_on(birth_date, arrival_date)
    return bool(set(special_needs or ()) & ACCESSIBLE_NEEDS
        or (age is not None and age >= elderly_age))


class Stay(PersonEntry, BulkWorkflow, ModelSQL, ModelView):
    "Isolation Stay"
    __name__ = 'quarantine.stay'
    _history = True
    __string__ = "Isolation Stay"

    _states = {'readonly': Eval('state') != 'draft'}

    # entered by its name and document (PersonEntry), or chosen
    person = fields.Many2One('party.party', "Person", required=True,
        ondelete='RESTRICT',
        states={'readonly': (Eval('state') != 'draft')
            | Bool(Eval('id_number'))})
    identity_number = fields.Char("Identity Number", readonly=True,
        help="Resident identity card number, from the person.")
    birth_date = fields.Date("Birth Date", readonly=True)
    sex = fields.Selection([
            (None, ""),
            ('male', "Male"),
            ('female', "Female"),
            ], "Sex", readonly=True)
    sex_string = sex.translated('sex')
    age = fields.Function(fields.Integer("Age"), 'get_age')
    resident_count = fields.Function(fields.Integer("Residents",
            help="1 for each stay, summed by the graphs."),
        'get_resident_count')
    phone = fields.Char("Phone", size=30)
    community = fields.Char("Community", size=100,
        help="Home community (社区) the resident returns to.")
    origin = fields.Char("Origin", size=200,
        help="Where the resident comes from: community, flight, port...")
    group_name = fields.Char("Group", size=100,
        help="Household or travel group, kept on one floor in adjacent "
        "rooms.")
    special_needs = fields.MultiSelection(SPECIAL_NEEDS, "Special Needs")
    needs_accessible = fields.Function(
        fields.Boolean("Needs Accessible Room"), 'get_needs_accessible')

    # Admission checks that an admitted stay has a site and a room; the
    # domains do not depend on the state, so that admitting a bus does not
    # evaluate them again for every resident.
    site = fields.Many2One('quarantine.site', "Site",
        domain=[('state', '=', 'active')],
        states={'readonly': Eval('state') != 'draft'})
    room = fields.Many2One('quarantine.room', "Room", ondelete='RESTRICT',
        domain=[('site', '=', Eval('site', -1))],
        search_context={
            'quarantine_available_rooms': Eval('state') == 'draft'},
        states={'readonly': Eval('state') != 'draft'},
        help="A draft stay is offered the available rooms of its site.")
    companion_of = fields.Many2One('quarantine.stay', "Companion of",
        domain=[('id', '!=', Eval('id', -1)),
            ('state', 'in', ['draft', 'admitted'])],
        states=_states, ondelete='RESTRICT',
        help="The child of 14 or younger this guardian shares a room with "
        "(or the guardian, on the child's stay).")
    companion_number = fields.Function(fields.Char(
            "Accompanies (Document Number)", size=30,
            help="The document number of the child this guardian "
            "accompanies, entered in the same list or before."),
        'get_companion_number', setter='set_entry')
    # "陪护前需签署知情同意书" (Henan L571): a companion pair is admitted
    # only with the consent recorded, who signed it and when
    _consent_states = {
        'invisible': ~Eval('companion_of') & ~Eval('companion_number'),
        'readonly': Eval('state') != 'draft',
        }
    guardian_consent = fields.Boolean("Guardian Consent",
        states=_consent_states,
        help="The guardian signed the consent to share the child's room.")
    consent_signed_by = fields.Char("Consent Signed by", size=100,
        states={**_consent_states,
            'required': Bool(Eval('guardian_consent'))},
        help="The name of the guardian who signed the informed consent "
        "(知情同意书).")
    consent_signed_at = fields.DateTime("Consent Signed at",
        states={**_consent_states,
            'required': Bool(Eval('guardian_consent'))},
        help="When the informed consent was signed.")
    del _consent_states

    category = fields.Selection(CATEGORIES, "Category", required=True,
        states=_states)
    category_string = category.translated('category')
    # The web client's graphs show a selection's key: they group by this.
    category_label = fields.Function(fields.Char("Category"),
        'get_category_label')
    regime = fields.Many2One('quarantine.regime', "Regime", required=True,
        ondelete='RESTRICT', states=_states)
    exposure_date = fields.Date("Last Exposure", states=_states)
    arrival_date = fields.Date("Arrival", required=True,
        states={'readonly': ~Eval('state').in_(['draft'])})
    home_days_served = fields.Integer("Days Served at Home",
        states=_states,
        help="Days already served in home isolation, deducted from the "
        "regime.")
    end_date = fields.Date("End Date", readonly=True,
        help="Last day of isolation: protocol day 1 plus the regime's days "
        "minus one, unless changed with a reason.")
    end_date_reason = fields.Char("End Date Change Reason", size=1000,
        readonly=True)
    end_date_changes = fields.One2Many(
        'quarantine.stay.end_date_change', 'stay', "End Date Changes",
        readonly=True)
    room_changes = fields.One2Many(
        'quarantine.stay.room_change', 'stay', "Room Changes",
        readonly=True)
    identified_at = fields.DateTime("Identified at",
        states={'readonly': Eval('state') != 'draft'},
        help="When the person was identified as a contact (判定时间): a "
        "contact is isolated within 8 hours of it (see Deadlines by "
        "Category).")
    admission_deadline = fields.Function(fields.DateTime(
            "Isolation Deadline",
            help="Identified at plus the hours of the stay's category."),
        'get_admission_deadline')
    admission_overdue = fields.Function(fields.Boolean(
            "Isolation Overdue",
            help="Not admitted yet and past its isolation deadline "
            "(待隔离超时)."),
        'get_admission_overdue', searcher='search_admission_overdue')
    admitted_at = fields.DateTime("Admitted at", readonly=True)
    verified_at = fields.DateTime("Verified at", readonly=True,
        help="Identity checked on arrival and entered in the ledger "
        "(within 24 h).")
    verified_by = fields.Many2One('res.user', "Verified by", readonly=True)
    verification_overdue = fields.Function(
        fields.Boolean("Verification Overdue"),
        'get_verification_overdue', searcher='search_verification_overdue')
    readings_missing = fields.Function(fields.Boolean(
            "Readings Missing Today",
            help="Admitted, with fewer than two temperature readings today."),
        'get_readings_missing', searcher='search_readings_missing')
    left_at = fields.DateTime("Left at", readonly=True)
    health_flag = fields.Boolean("Health Flag", readonly=True,
        help="A reading of 37.3 °C or more, or a symptom: on the medical "
        "team's list until cleared.")
    readings = fields.One2Many('quarantine.monitoring', 'stay', "Readings")
    samples = fields.One2Many('quarantine.sample', 'stay', "Samples",
        readonly=True)
    home_monitoring = fields.One2Many('quarantine.home_monitoring', 'stay',
        "Home Monitoring")
    home_monitoring_end = fields.Date("Home Monitoring End", readonly=True,
        help="Last day of the home health monitoring that follows the "
        "release, set at release for a regime with a home part (7 days in "
        "a site + 7 at home).")
    positive = fields.Boolean("Positive", readonly=True,
        help="A positive nucleic acid result: the resident is transferred "
        "to hospital.")
    release_date = fields.Date("Release Date", readonly=True)
    certificate_number = fields.Char("Certificate Number", readonly=True)
    certificate_key = fields.Char("Certificate Key", readonly=True,
        help="The key that signed the certificate's verification code.")
    notes = fields.Text("Notes", size=10000)
    change_log = fields.Function(fields.Text("Change Log",
            help="Who changed the stay, what and when."), 'get_change_log')
    state = fields.Selection([
            ('draft', "Draft"),
            ('admitted', "Admitted"),
            ('released', "Released"),
            ('transferred', "Transferred"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def get_change_log(cls, stays, name):
        return change_logs(cls, stays, LOGGED_FIELDS)

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        cls.check_export()
        return super().export_data(records, fields_names, header=header)

    @classmethod
    def export_data_domain(cls, domain, fields_names, offset=0, limit=None,
            order=None, header=False):
        cls.check_export()
        return super().export_data_domain(domain, fields_names,
            offset=offset, limit=limit, order=order, header=header)

    @classmethod
    def check_export(cls):
        "Clerks enter data but do not take resident lists away"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        if not Transaction().check_access:
            return
        groups = set(User.get_groups())
        clerk = ModelData.get_id('quarantine', 'group_clerk')
        exporters = {ModelData.get_id('quarantine', 'group_admin'),
            ModelData.get_id('quarantine', 'group_site_manager')}
        if clerk in groups and not groups & exporters:
            raise ExportAccessError(gettext('quarantine.msg_stay_export'))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        admitted = (t.state == 'admitted')
        cls._sql_constraints += [
            # Single occupancy, in the database: one admitted stay per
            # room, apart from the companion of a child (one at most).
            ('room_single_occupancy', Exclude(t, (t.room, Equal),
                    where=admitted & (t.companion_of == Null)),
                'quarantine.msg_stay_room_occupied'),
            ('one_companion', Exclude(t, (t.companion_of, Equal),
                    where=admitted & (t.companion_of != Null)),
                'quarantine.msg_stay_one_companion'),
            ('identity_one_open_stay', Exclude(t,
                    (t.identity_number, Equal),
                    where=t.state.in_(OPEN_STATES)
                    & (t.identity_number != Null)),
                'quarantine.msg_stay_identity_open'),
            ('person_one_open_stay', Exclude(t, (t.person, Equal),
                    where=t.state.in_(OPEN_STATES)),
                'quarantine.msg_stay_person_open'),
            ('home_days_positive', Check(t, t.home_days_served >= 0),
                'quarantine.msg_stay_home_days_positive'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.site, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                # the stays of a room or a person, whatever their state
                # (the constraints' indexes hold only the open ones): without
                # them each room or party deleted scanned a province's
                # 400,000 stays for its references
                Index(t, (t.room, Index.Range())),
                Index(t, (t.person, Index.Range())),
                Index(t, (t.end_date, Index.Range()),
                    where=admitted),
                })
        cls._order = [('arrival_date', 'DESC'), ('id', 'DESC')]
        cls.__rpc__.update({
                'verify_certificate': RPC(readonly=True),
                })
        cls._transitions |= {
            ('draft', 'admitted'),
            ('draft', 'cancelled'),
            ('admitted', 'cancelled'),
            ('admitted', 'released'),
            ('admitted', 'transferred'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'admit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'release': {
                    'invisible': Eval('state') != 'admitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'verify': {
                    'invisible': (Eval('state') != 'admitted')
                    | Bool(Eval('verified_at')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'verified_at'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'admitted']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-clear',
                    'depends': ['state'],
                    },
                'change_end_date': {
                    'invisible': Eval('state') != 'admitted',
                    'icon': 'tryton-date',
                    'depends': ['state'],
                    },
                'change_room': {
                    'invisible': Eval('state') != 'admitted',
                    'icon': 'tryton-switch',
                    'depends': ['state'],
                    },
                'clear_health_flag': {
                    'invisible': ~Eval('health_flag'),
                    'icon': 'tryton-ok',
                    'depends': ['health_flag'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_category():
        return 'close_contact'

    @staticmethod
    def default_arrival_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_home_days_served():
        return 0

    @classmethod
    def default_regime(cls):
        regime = default_regimes([cls.default_category()])[
            cls.default_category()]
        return regime.id if regime else None

    @fields.depends('category', 'regime')
    def on_change_category(self):
        """A stay on a category's default regime follows its category; a
        regime chosen for the stay is kept"""
        defaults = {CATEGORY_REGIMES.get(c, DEFAULT_REGIME)
            for c, _ in CATEGORIES}
        if self.category and (not self.regime
                or self.regime.code in defaults):
            self.regime = default_regimes([self.category])[self.category]

    def get_rec_name(self, name):
        return self.person.rec_name if self.person else str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, 'person.rec_name', 'identity_number')

    def get_category_label(self, name):
        return self.category_string

    def get_resident_count(self, name):
        return 1

    @property
    def start_date(self):
        return start_date_of(
            self.regime, self.exposure_date, self.arrival_date)

    @fields.depends('birth_date', 'arrival_date')
    def on_change_with_age(self, name=None):
        return age_on(self.birth_date, self.arrival_date)

    def get_age(self, name):
        return self.on_change_with_age()

    @fields.depends('guardian_consent', 'consent_signed_by',
        'consent_signed_at', 'person', 'person_name')
    def on_change_guardian_consent(self):
        """Ticked: signed now by the guardian, unless told otherwise;
        unticked: no signature"""
        if not self.guardian_consent:
            self.consent_signed_by = self.consent_signed_at = None
            return
        if not self.consent_signed_at:
            self.consent_signed_at = dt.datetime.now().replace(microsecond=0)
        if not self.consent_signed_by:
            self.consent_signed_by = (self.person_name
                or (self.person.name if self.person else None))

    def get_companion_number(self, name):
        companion = self.companion_of
        if companion:
            return (companion.identity_number
                or document_of(companion.person)[1])

    @fields.depends('identity_number', 'birth_date', 'sex',
        methods=['on_change_with_age'])
    def on_change_id_number(self):
        super().on_change_id_number()
        if self.id_type in {None, 'cn_ric'}:
            self.identity_number = self.id_number
            facts = self._identity_facts(self.id_number)
            self.birth_date, self.sex = facts or (None, None)
        else:
            self.identity_number = self.birth_date = self.sex = None
        self.age = self.on_change_with_age()

    on_change_id_type = on_change_id_number

    @classmethod
    def _entry_refuse(cls, parties, records=()):
        """A person has one open stay: refused before anything is written,
        naming the other stay's site only to who may read it"""
        with without_check_access():
            stays = cls.search([
                    ('person', 'in', [p.id for p in parties]),
                    ('state', 'in', OPEN_STATES),
                    ('id', 'not in', [r.id for r in records]),
                    ], limit=1)
        if not stays:
            return
        stay, = stays
        person = stay.person
        number = document_of(person)[1]
        if readable(cls, [stay.id]):
            message = gettext('quarantine.msg_entry_open_stay',
                person=person.name, number=number,
                site=stay.site.rec_name if stay.site else '-',
                state=stay.state_string)
        else:
            message = gettext('quarantine.msg_entry_open_stay_hidden',
                person=person.name, number=number)
        raise EntryError(message)

    @classmethod
    def get_needs_accessible(cls, stays, name):
        elderly_age = cls._elderly_age()
        return {s.id: needs_accessible_room(s.special_needs, s.birth_date,
                s.arrival_date, elderly_age) for s in stays}

    @staticmethod
    def _elderly_age():
        Configuration = Pool().get('quarantine.configuration')
        return Configuration(1).elderly_age

    @fields.depends('companion_of', 'site', '_parent_companion_of.room',
        '_parent_companion_of.site')
    def on_change_companion_of(self):
        if self.companion_of:
            self.site = self.companion_of.site
            self.room = self.companion_of.room

    @fields.depends('person', 'person_name', 'id_type', 'id_number')
    def on_change_person(self):
        if self.person:
            self.person_name = self.person.name
            self.id_type, self.id_number = document_of(self.person)
            self.identity_number = self.person.quarantine_identity_number
            facts = self._identity_facts(self.identity_number)
            if facts:
                self.birth_date, self.sex = facts

    @classmethod
    def _identity_facts(cls, number):
        "The identity facts of a number that may not be valid, or None"
        if number and not identity_error(number):
            return identity_facts(number)

    @classmethod
    def get_verification_overdue(cls, stays, name):
        limit = dt.datetime.now() - dt.timedelta(hours=24)
        return {s.id: bool(s.state == 'admitted' and not s.verified_at
                and s.admitted_at and s.admitted_at < limit)
            for s in stays}

    @classmethod
    def search_verification_overdue(cls, name, clause):
        limit = dt.datetime.now() - dt.timedelta(hours=24)
        _, operator, value = clause[:3]
        if (operator == '=') == bool(value):
            return [('state', '=', 'admitted'), ('verified_at', '=', None),
                ('admitted_at', '<', limit)]
        return ['OR', ('state', '!=', 'admitted'), ('verified_at', '!=', None),
            ('admitted_at', '>=', limit), ('admitted_at', '=', None)]

    @classmethod
    def get_admission_deadline(cls, stays, name):
        Deadline = Pool().get('quarantine.deadline')
        hours = Deadline.hours_by_kind()
        return due_times(stays, 'identified_at', lambda s: hours[s.category])

    @classmethod
    def get_admission_overdue(cls, stays, name):
        return overdue_flags(stays, cls.get_admission_deadline(stays, name),
            ('state', 'draft'))

    @classmethod
    def search_admission_overdue(cls, name, clause):
        "The draft stays identified longer ago than their category allows"
        Deadline = Pool().get('quarantine.deadline')
        return overdue_domain(cls, clause, ('state', 'draft'),
            'identified_at', [(('category', '=', category), hours)
                for category, hours in Deadline.hours_by_kind().items()
                if category in dict(CATEGORIES)])

    @classmethod
    def _complete_today(cls):
        "Query of the stays with both readings of today"
        pool = Pool()
        Monitoring = pool.get('quarantine.monitoring')
        Date = pool.get('ir.date')
        reading = Monitoring.__table__()
        return reading.select(reading.stay,
            where=reading.date == Date.today(),
            group_by=[reading.stay],
            having=Count(reading.period, distinct=True) >= 2)

    @classmethod
    def _complete_today_ids(cls):
        cursor = Transaction().connection.cursor()
        cursor.execute(*cls._complete_today())
        return [stay_id for stay_id, in cursor]

    @classmethod
    def get_readings_missing(cls, stays, name):
        complete = set(cls._complete_today_ids())
        return {s.id: s.state == 'admitted' and s.id not in complete
            for s in stays}

    @classmethod
    def search_readings_missing(cls, name, clause):
        _, operator, value = clause[:3]
        complete = cls._complete_today_ids()
        if (operator == '=') == bool(value):
            return [('state', '=', 'admitted'), ('id', 'not in', complete)]
        return ['OR', ('state', '!=', 'admitted'), ('id', 'in', complete)]

    @classmethod
    def compute_end_dates(cls, stays):
        "Return {stay: end date} from the regime and the start date"
        return {s: end_date_of(s.regime, s.exposure_date, s.arrival_date,
                s.home_days_served) for s in stays}

    @classmethod
    def preprocess_values(cls, mode, values):
        "Copy the identity facts of the person onto the stay"
        values = super().preprocess_values(mode, values)
        if values.get('person') and 'identity_number' not in values:
            Party = Pool().get('party.party')
            number = Party(values['person']).quarantine_identity_number
            values['identity_number'] = number
            facts = cls._identity_facts(number)
            if facts:
                values['birth_date'], values['sex'] = facts
        return values

    @classmethod
    def create(cls, vlist):
        # the number of each row and of the child it accompanies, known
        # before the entry fields give way to the person
        numbers = [compact_number(v.get('id_type') or 'cn_ric',
                v.get('id_number')) for v in vlist]
        companions = [compact_number('otherdoc', v.get('companion_number'))
            if not v.get('companion_of') else None for v in vlist]
        vlist = cls.resolve_entries(
            [{k: v for k, v in values.items() if k != 'companion_number'}
                for values in vlist])
        # without a regime: the default of the stay's category
        categories = {v.get('category') or cls.default_category()
            for v in vlist if not v.get('regime')}
        if categories:
            regimes = default_regimes(categories)
            for values in vlist:
                if not values.get('regime'):
                    regime = regimes[
                        values.get('category') or cls.default_category()]
                    values['regime'] = regime.id if regime else None
        for values, number in zip(vlist, numbers):
            if number:
                # the person's identity facts, not what a client sent
                for name in ['identity_number', 'birth_date', 'sex']:
                    values.pop(name, None)
        stays = super().create(vlist)
        cls._update_end_dates(stays)
        if any(companions):
            cls._link_companions(stays, numbers, companions)
        return stays

    @classmethod
    def _link_companions(cls, stays, numbers, companions):
        """Link the guardians entered with the document number of the child
        they accompany to the child's stay: of the same batch, or an open
        one the user reads"""
        in_batch = {n: s for s, n in zip(stays, numbers) if n}
        for stay in stays:
            if stay.identity_number:
                in_batch.setdefault(stay.identity_number, stay)
        to_write = []
        for stay, number in zip(stays, companions):
            if not number:
                continue
            child = (in_batch.get(number)
                or cls._companion_by_number(stay, number, stays))
            if child == stay:
                cls._companion_by_number(stay, number, [stay], search=False)
            to_write.extend([[stay], {'companion_of': child.id}])
        cls.write(*to_write)

    @classmethod
    def _companion_by_number(cls, stay, number, excluded, search=True):
        """The open stay, read by the user, of the document number the
        guardian `stay` accompanies"""
        found = cls.search([
                ('state', 'in', OPEN_STATES),
                ('id', 'not in', [s.id for s in excluded]),
                ['OR',
                    ('identity_number', '=', number),
                    ('person.identifiers.code', '=', number),
                    ],
                ], limit=1) if search else []
        if not found:
            raise EntryError(gettext(
                    'quarantine.msg_entry_companion_unknown',
                    stay=stay.rec_name, number=number))
        return found[0]

    @classmethod
    def write(cls, *args):
        Sample = Pool().get('quarantine.sample')
        args = cls.resolve_entry_writes(cls._companion_writes(args))
        args = cls._category_regime_writes(args)
        super().write(*args)
        actions = iter(args)
        to_update, to_replan = [], []
        for stays, values in zip(actions, actions):
            changed = values.keys() & {'regime', 'exposure_date',
                'arrival_date', 'home_days_served'}
            if changed:
                to_update.extend(stays)
            if changed or 'end_date' in values:
                to_replan.extend(stays)
        if to_update:
            cls._update_end_dates(to_update)
        # The calendar follows the period; samples taken are kept.
        to_replan = [s for s in cls.browse(to_replan)
            if s.state == 'admitted']
        if to_replan:
            Sample.replan(to_replan)

    @classmethod
    def _category_regime_writes(cls, args):
        """The arguments of write where a category changes without a regime:
        the draft stays on a category's default regime take the new
        category's, as the form's on_change_category gives them"""
        if not any('category' in v and 'regime' not in v
                for v in args[1::2]):
            return args
        defaults = {CATEGORY_REGIMES.get(c, DEFAULT_REGIME)
            for c, _ in CATEGORIES}
        result = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if 'category' not in values or 'regime' in values:
                result.extend([records, values])
                continue
            regime = default_regimes([values['category']])[
                values['category']]
            following = [r for r in records if regime
                and r.state == 'draft' and r.regime.code in defaults
                and r.regime != regime]
            others = [r for r in records if r not in following]
            if following:
                result.extend([following, {**values, 'regime': regime.id}])
            if others:
                result.extend([others, values])
        return result

    @classmethod
    def _companion_writes(cls, args):
        "The arguments of write with companion_number turned into the stay"
        if not any('companion_number' in v for v in args[1::2]):
            return args
        result = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if 'companion_number' not in values:
                result.extend([records, values])
                continue
            number = compact_number('otherdoc',
                values['companion_number'])
            values = {k: v for k, v in values.items()
                if k != 'companion_number'}
            if not number:
                result.extend([records, {**values, 'companion_of': None}])
                continue
            for record in records:
                child = cls._companion_by_number(record, number, [record])
                result.extend([[record], {**values,
                            'companion_of': child.id}])
        return result

    @classmethod
    def _update_end_dates(cls, stays):
        "Set the computed end date where no reasoned change overrides it"
        to_write = defaultdict(list)
        for stay, end_date in cls.compute_end_dates(
                [s for s in stays if not s.end_date_reason]).items():
            if stay.end_date != end_date:
                to_write[end_date].append(stay)
        for end_date, sub_stays in to_write.items():
            super().write(sub_stays, {'end_date': end_date})

    @classmethod
    def validate(cls, stays):
        if backend.name == 'sqlite':
            # trytond checks the exclusion constraints of SQLite in Python
            # with one OR clause per record, which overflows SQLite's parser
            # past some 30 nested clauses: check them by slices instead (each
            # slice is still checked against the whole table).
            for sub_stays in grouped_slice(stays, 25):
                super().validate(list(sub_stays))
        else:
            super().validate(stays)

    @classmethod
    def validate_fields(cls, stays, field_names):
        super().validate_fields(stays, field_names)
        if field_names & {'arrival_date', 'exposure_date', 'end_date'}:
            for stay in stays:
                stay.check_dates()
        if field_names & {'companion_of', 'room', 'person'}:
            cls.check_companions(stays)
        if field_names & {'guardian_consent', 'consent_signed_by',
                'consent_signed_at'}:
            for stay in stays:
                stay.check_consent()
        if field_names & {'person', 'identity_number'}:
            for stay in stays:
                stay.check_identity()
        if field_names & {'arrival_date', 'exposure_date', 'identified_at'}:
            for stay in stays:
                stay.check_future_dates()

    def check_dates(self):
        if self.end_date and self.end_date < self.arrival_date:
            raise StayValidationError(gettext(
                    'quarantine.msg_stay_end_before_arrival',
                    stay=self.rec_name, end_date=self.end_date,
                    arrival_date=self.arrival_date))
        if self.exposure_date and self.exposure_date > self.arrival_date:
            raise StayValidationError(gettext(
                    'quarantine.msg_stay_exposure_after_arrival',
                    stay=self.rec_name))

    def check_future_dates(self):
        "An arrival more than a day ahead or an exposure to come is a typo"
        message = (arrival_date_error(self.arrival_date,
                field_label(self.__name__, 'arrival_date'))
            or future_error(self.exposure_date,
                field_label(self.__name__, 'exposure_date'))
            or future_error(self.identified_at,
                field_label(self.__name__, 'identified_at')))
        if message:
            raise StayValidationError(message)

    def check_identity(self):
        if not self.identity_number:
            return
        message = identity_error(self.identity_number)
        if message:
            raise StayValidationError(message)

    def check_consent(self):
        """The consent is recorded whole: ticked with who signed it and
        when (not in the future), or not at all"""
        message = consent_error(self.guardian_consent,
            self.consent_signed_by, self.consent_signed_at)
        if message:
            raise StayValidationError(gettext(message, stay=self.rec_name))
        message = future_error(self.consent_signed_at,
            field_label(self.__name__, 'consent_signed_at'))
        if message:
            raise StayValidationError(message)

    @classmethod
    def check_companions(cls, stays):
        for stay in stays:
            companion = stay.companion_of
            if not companion:
                continue
            ages = [age_on(s.birth_date, s.arrival_date)
                for s in (stay, companion)]
            if not any(a is not None and a <= CHILD_MAX_AGE for a in ages):
                raise StayValidationError(gettext(
                        'quarantine.msg_stay_companion_age',
                        stay=stay.rec_name, companion=companion.rec_name,
                        age=CHILD_MAX_AGE))
            if stay.room and companion.room and stay.room != companion.room:
                raise StayValidationError(gettext(
                        'quarantine.msg_stay_companion_room',
                        stay=stay.rec_name, companion=companion.rec_name))

    @classmethod
    def _admission_rows(cls, stays):
        """Return, in one query per slice, what admission checks of each
        stay (see Admission)"""
        Room = Pool().get('quarantine.room')
        stay, room = cls.__table__(), Room.__table__()
        cursor = Transaction().connection.cursor()
        rows = []
        for sub_ids in grouped_slice([s.id for s in stays], IN_MAX):
            cursor.execute(*stay.join(room, 'LEFT',
                    condition=stay.room == room.id).select(
                    stay.id, stay.state, stay.site, stay.room, room.site,
                    room.state, stay.companion_of, stay.regime,
                    stay.exposure_date, stay.arrival_date, stay.end_date,
                    stay.guardian_consent, stay.consent_signed_by,
                    stay.consent_signed_at,
                    where=in_(stay.id, list(sub_ids))))
            rows.extend(Admission(*r) for r in cursor)
        return rows

    @classmethod
    def check_sites_accepted(cls, site_ids):
        """Refuse sites the stay's site field does not accept (a site not
        active): its own domain, as the ORM validates it, searched for the
        sites of a batch at once.  Admission checks it, whether the state
        is written by the ORM or in bulk, for a stay whose site changed
        state since it was written."""
        Site = Pool().get('quarantine.site')
        if not site_ids:
            return
        with without_check_access():
            accepted = Site.search([
                    ('id', 'in', list(site_ids)),
                    cls.site.domain,
                    ])
        refused = set(site_ids) - set(map(int, accepted))
        if refused:
            raise StayError(gettext('quarantine.msg_allocate_site_inactive',
                    site=Site(min(refused)).rec_name))

    @classmethod
    def check_rooms_free(cls, rows):
        """Refuse stays without a room of their site, in a room that is not
        ready, or held by someone they do not accompany (the database
        constraint is the last line; this names the people)"""
        Room = Pool().get('quarantine.room')
        holders = {}
        for sub_rooms in grouped_slice(
                list({r.room for r in rows if r.room}), IN_MAX):
            for other in cls.search([
                        ('room', 'in', list(sub_rooms)),
                        ('state', '=', 'admitted'),
                        ('companion_of', '=', None),
                        ]):
                holders[other.room.id] = other.id
        seen = {}
        for row in rows:
            if not row.room:
                raise StayError(gettext(
                        'quarantine.msg_stay_admit_room',
                        stay=cls(row.id).rec_name))
            if row.site != row.room_site:
                raise StayError(gettext('quarantine.msg_stay_room_site',
                        stay=cls(row.id).rec_name,
                        room=Room(row.room).rec_name))
            if row.room_state not in {'available', 'occupied'}:
                room = Room(row.room)
                raise StayError(gettext('quarantine.msg_stay_room_not_ready',
                        room=room.rec_name, state=room.state_string))
            if row.companion_of:
                continue
            holder = holders.get(row.room) or seen.get(row.room)
            if holder and holder != row.id:
                raise StayError(gettext(
                        'quarantine.msg_stay_room_taken',
                        stay=cls(row.id).rec_name,
                        room=Room(row.room).rec_name,
                        holder=cls(holder).rec_name))
            seen[row.room] = row.id

    @classmethod
    def check_consents(cls, rows):
        """Refuse a companion pair whose guardian's informed consent is not
        recorded, who signed it and when (Henan L571)"""
        for row in rows:
            if row.companion_of and consent_error(row.guardian_consent,
                    row.consent_signed_by, row.consent_signed_at,
                    required=True):
                raise StayError(gettext('quarantine.msg_stay_consent_missing',
                        stay=cls(row.id).rec_name,
                        companion=cls(row.companion_of).rec_name))

    @classmethod
    @ModelView.button
    @BulkWorkflow.transition('admitted')
    def admit(cls, stays):
        """Admit the draft stays into their rooms.

        A bus is admitted as one: the checks read what they need in one
        query, and the stays and rooms change state (logged as transitions)
        in a few statements instead of an ORM write per record (see
        BulkWorkflow).  The database's exclusion constraints stay the last
        line; on SQLite, trytond checks them when the state is written."""
        pool = Pool()
        Room = pool.get('quarantine.room')
        Regime = pool.get('quarantine.regime')
        Sample = pool.get('quarantine.sample')
        rows = cls._admission_rows(stays)
        cls.check_sites_accepted({r.site for r in rows if r.site})
        cls.check_consents(rows)
        cls.check_rooms_free(rows)
        Room.occupy(Room.browse(list({r.room for r in rows
                        if r.room_state == 'available'})))
        regimes = {r.id: r for r in Regime.browse({r.regime for r in rows})}
        Sample.plan([(r.id, regimes[r.regime],
                    start_date_of(regimes[r.regime], r.exposure_date,
                        r.arrival_date), r.end_date, r.arrival_date)
                for r in rows])

    @classmethod
    def _write_transition(cls, stays, state, **values):
        # the time of admission is written with the state
        if state == 'admitted':
            values.setdefault('admitted_at', dt.datetime.now())
        super()._write_transition(stays, state, **values)

    @classmethod
    def flag_positive(cls, stays):
        """A positive result flags the stay and alerts the medical staff and
        administrators (those linked to sites: of the stay's site only)"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        stays = [s for s in stays if not s.positive]
        if not stays:
            return
        cls.write(stays, {'positive': True, 'health_flag': True})
        groups = [ModelData.get_id('quarantine', g)
            for g in ['group_medical', 'group_admin']]
        for user in User.search([('groups', 'in', groups)]):
            sites = set(user.quarantine_sites)
            concerned = [s for s in stays if not sites or s.site in sites]
            if concerned:
                cls.notify_user(concerned, 'tryton-warning',
                    gettext('quarantine.msg_positive_alert',
                        count=len(concerned)),
                    description=', '.join(s.rec_name for s in concerned[:10]),
                    user=user.id)

    @classmethod
    def release_problems(cls, stays):
        """Return {stay: [message]} of what keeps each stay from release:
        the period not served, a sample not negative, the exit day's two
        specimens, an open positive or health flag"""
        pool = Pool()
        Sample = pool.get('quarantine.sample')
        Date = pool.get('ir.date')
        today = Date.today()
        samples = samples_by_stay(Sample, stays)
        problems = {}
        for stay in stays:
            found = []
            if stay.end_date and today < stay.end_date:
                found.append(gettext('quarantine.msg_release_early',
                        end_date=stay.end_date))
            if stay.positive:
                found.append(gettext('quarantine.msg_release_positive'))
            elif stay.health_flag:
                found.append(gettext('quarantine.msg_release_health_flag'))
            stay_samples = samples[stay.id]
            not_negative = [s for s in stay_samples
                if s.result not in {'negative', 'invalid'}
                or (s.result == 'invalid' and not s.resampled)]
            for sample in not_negative:
                found.append(gettext('quarantine.msg_release_sample',
                        day=sample.day, date=sample.planned_date,
                        result=sample.result_string))
            if stay.regime.exit_dual_sampling:
                found.extend(gettext(msg_id, **values)
                    for msg_id, values in exit_problems(stay_samples))
            if found:
                problems[stay] = found
        return problems

    @classmethod
    @ModelView.button
    @BulkWorkflow.transition('released')
    def release(cls, stays):
        """Release the residents whose period is served and tested
        negative, number their certificates and send their rooms to cleaning
        (the terminal disinfection includes the environment sample)"""
        pool = Pool()
        CertificateKey = pool.get('quarantine.certificate.key')
        Configuration = pool.get('quarantine.configuration')
        Date = pool.get('ir.date')
        HomeMonitoring = pool.get('quarantine.home_monitoring')
        if not stays:
            return
        problems = cls.release_problems(stays)
        if problems:
            stay, found = next(iter(problems.items()))
            raise ReleaseError(gettext('quarantine.msg_release_refused',
                    stay=stay.rec_name, problems='; '.join(found)))
        sequence = Configuration(1).get_certificate_sequence()
        # Found (or made) here, in a writing transaction: printing and
        # verifying are read-only.
        key_id = CertificateKey.current()
        today = Date.today()
        for stay in stays:
            stay.certificate_number = sequence.get()
            stay.certificate_key = key_id
            stay.release_date = today
            stay.home_monitoring_end = home_monitoring_end(
                stay.regime, today)
        cls.save(stays)
        cls.leave(stays)
        HomeMonitoring.plan(stays)

    def certificate_code(self):
        """The verification code of the certificate: a keyed hash of its
        number, the identity number and the release date, by the key that
        signed it (None if that key is retired)"""
        CertificateKey = Pool().get('quarantine.certificate.key')
        return CertificateKey.sign(self.certificate_key,
            self.certificate_number, self.identity_number,
            self.release_date)

    @classmethod
    def verify_certificate(cls, number, code):
        """Check a certificate number and its verification code (from the
        QR code); return what a checkpoint may see, or {'valid': False}"""
        code = normalize_code(code)
        stays = cls.search([
                ('certificate_number', '=', (number or '').strip()),
                ('state', '=', 'released'),
                ], limit=1)
        expected = stays[0].certificate_code() if stays else None
        if not expected or not hmac.compare_digest(
                expected.encode(), code.encode()):
            return {'valid': False}
        stay, = stays
        return {
            'valid': True,
            'number': stay.certificate_number,
            'name': stay.person.rec_name,
            'identity_number': mask_identity(stay.identity_number),
            'site': stay.site.rec_name if stay.site else None,
            'release_date': stay.release_date,
            }

    @classmethod
    @ModelView.button
    def verify(cls, stays):
        cls.write([s for s in stays if not s.verified_at], {
                'verified_at': dt.datetime.now(),
                'verified_by': Transaction().user,
                })

    @classmethod
    @ModelView.button
    @BulkWorkflow.transition('cancelled')
    def cancel(cls, stays):
        cls.leave([s for s in stays if s.state == 'admitted'])

    @classmethod
    @BulkWorkflow.transition('transferred')
    def transfer_out(cls, stays):
        """The admitted residents of `stays` are transferred away (to
        hospital or another site, see quarantine_transfer): they leave
        their rooms and their stays end as transferred"""
        cls.leave(stays)

    @classmethod
    def leave(cls, stays):
        """The residents of the admitted `stays` leave their rooms, together:
        the time is noted and each room goes to cleaning unless a roommate
        (the companion of a child, or the child) stays on.

        The transitions that end an admitted stay call it (release, cancel,
        transfer_out) and write the new state; it does not change the
        state itself."""
        Room = Pool().get('quarantine.room')
        if not stays:
            return
        rooms = {s.room for s in stays if s.room}
        cls.write(list(stays), {'left_at': dt.datetime.now()})
        staying = {s.room for s in cls.search([
                    ('room', 'in', [r.id for r in rooms]),
                    ('state', '=', 'admitted'),
                    ('id', 'not in', [s.id for s in stays]),
                    ])}
        Room.start_cleaning([r for r in rooms
                if r not in staying and r.state == 'occupied'])

    @classmethod
    @ModelView.button
    @BulkWorkflow.transition('draft')
    def draft(cls, stays):
        cls.write(stays, {'room': None, 'admitted_at': None})

    @classmethod
    @ModelView.button_action('quarantine.wizard_stay_change_end_date')
    def change_end_date(cls, stays):
        pass

    @classmethod
    @ModelView.button_action('quarantine.wizard_stay_change_room')
    def change_room(cls, stays):
        pass

    @classmethod
    @ModelView.button
    def clear_health_flag(cls, stays):
        cls.write(stays, {'health_flag': False})

    @classmethod
    def allocate(cls, stays, site):
        """Give the draft stays free rooms of the site and admit them, all
        in this transaction; allocate nothing when rooms are missing"""
        Site = Pool().get('quarantine.site')
        if not stays:
            return
        # the user's rules first: an error names no site of another's
        check_rules(Site, [site.id], 'read')
        cls.check_sites_accepted({site.id})
        # refused before any room is given (admit checks it again)
        cls.check_consents(cls._admission_rows(stays))
        units = units_of(cls._planning_rows(stays))
        rooms = cls._free_rooms(site)
        if len(rooms) < len(units):
            raise AllocationError(gettext(
                    'quarantine.msg_allocate_missing_rooms',
                    site=site.rec_name, needed=len(units),
                    free=len(rooms), missing=len(units) - len(rooms)))
        plan = plan_allocation(units, rooms)
        stay_rooms = [(resident.id, site.id, room.id)
            for room, unit in plan.items() for resident in unit]
        # One statement per chunk instead of a write per room: the rules
        # are checked by admit, and by the database's constraints.
        update_rows(cls, ['site', 'room'], stay_rooms)
        cls.admit(cls.browse([s.id for s in stays]))

    @classmethod
    def _planning_rows(cls, stays):
        "What the allocation plan needs of each stay, in one query a slice"
        stay = cls.__table__()
        cursor = Transaction().connection.cursor()
        elderly_age = cls._elderly_age()
        residents = []
        for sub_ids in grouped_slice([s.id for s in stays], IN_MAX):
            cursor.execute(*stay.select(stay.id, stay.category,
                    stay.group_name, stay.companion_of, stay.special_needs,
                    stay.birth_date, stay.arrival_date,
                    where=in_(stay.id, list(sub_ids)),
                    order_by=[stay.id.asc]))
            for (id_, category, group, companion, needs, birth_date,
                    arrival_date) in cursor:
                if isinstance(needs, str):
                    needs = json.loads(needs)
                residents.append(Resident(id_, category, group, companion,
                        needs_accessible_room(needs, as_date(birth_date),
                            as_date(arrival_date), elderly_age)))
        return residents

    @classmethod
    def _free_rooms(cls, site):
        "The available rooms of the site, by building, floor and position"
        Room = Pool().get('quarantine.room')
        room = Room.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*room.select(room.id, room.building, room.floor,
                room.sequence, room.accessible,
                where=(room.site == site.id) & (room.state == 'available'),
                order_by=[room.building.asc, room.floor.asc,
                    room.sequence.asc, room.name.asc]))
        return [FreeRoom(*r) for r in cursor]

    @classmethod
    def import_arrivals(cls, arrivals, regime, arrival_date, site=None):
        """Create the draft stays of checked arrivals (see arrival_import)
        and return them.  A person is found by identity number; a person
        who already has an open stay is not given another one.  Without a
        `regime`, each arrival gets the default of its category (as a stay
        created without one)."""
        Party = Pool().get('party.party')
        regimes = default_regimes({a.category for a in arrivals})
        message = arrival_date_error(arrival_date,
            field_label(cls.__name__, 'arrival_date'))
        if message:
            raise StayValidationError(message)
        numbers = [a.identity_number for a in arrivals]
        # found as every other entry is: a known number under another name
        # is refused (see entry.py)
        party_ids = find_or_create_persons([
                Entry(a.name, 'cn_ric', a.identity_number)
                for a in arrivals])
        persons = dict(zip(numbers, Party.browse(party_ids)))

        open_stays = {}
        for sub_numbers in grouped_slice(numbers, IN_MAX):
            for stay in cls.search([
                        ('identity_number', 'in', list(sub_numbers)),
                        ('state', 'in', OPEN_STATES),
                        ]):
                open_stays[stay.identity_number] = stay
        to_open = [a for a in arrivals
            if a.identity_number not in open_stays]

        columns = ['person', 'identity_number', 'birth_date', 'sex',
            'regime', 'category', 'arrival_date', 'exposure_date',
            'end_date', 'home_days_served', 'phone', 'origin', 'group_name',
            'community', 'notes', 'site', 'state', 'companion_of',
            'guardian_consent', 'consent_signed_by', 'consent_signed_at',
            'special_needs']

        def row(arrival, companion_of=None):
            birth_date, sex = identity_facts(arrival.identity_number)
            regime_ = regime or regimes[arrival.category]
            return (persons[arrival.identity_number].id,
                arrival.identity_number, birth_date, sex, regime_.id,
                arrival.category, arrival_date, arrival.exposure_date,
                end_date_of(regime_, arrival.exposure_date, arrival_date),
                0, arrival.phone, arrival.origin, arrival.group,
                arrival.community, arrival.notes, site.id if site else None,
                'draft', companion_of,
                # the consent as the list records it, never assumed
                bool(companion_of and arrival.consent_signed_at),
                arrival.consent_signed_by if companion_of else None,
                arrival.consent_signed_at if companion_of else None,
                arrival.special_needs)
        # The reader checked every row of the list: the stays are inserted
        # in bulk (registry.py), children and everyone else first, then the
        # guardians who accompany them and need their stay's id.
        heads = [a for a in to_open if not a.companion_of]
        ids = insert_rows(cls, columns, [row(a) for a in heads])
        open_stays.update((a.identity_number, cls(i))
            for a, i in zip(heads, ids))
        ids += insert_rows(cls, columns, [
                row(a, open_stays[a.companion_of].id)
                for a in to_open if a.companion_of])
        created = cls.browse(ids)
        # Where the database does not enforce the constraints (SQLite),
        # trytond checks them here.
        cls.validate(created)
        return created

    @classmethod
    def change_end_dates(cls, stays, end_date, reason):
        "Extend or shorten stays, keeping who, when, old and new in history"
        Change = Pool().get('quarantine.stay.end_date_change')
        reason = cls._check_reason(reason)
        Change.create([{
                    'stay': s.id,
                    'old_end_date': s.end_date,
                    'new_end_date': end_date,
                    'reason': reason,
                    } for s in stays])
        cls.write(stays, {'end_date': end_date, 'end_date_reason': reason})

    @staticmethod
    def _check_reason(reason):
        "Return the reason of a change, refusing an empty one"
        reason = (reason or '').strip()
        if not reason:
            raise StayError(gettext('quarantine.msg_stay_change_reason'))
        return reason

    @classmethod
    def move_to_room(cls, stay, room, reason):
        "Move an admitted stay (and its companion) to a free room"
        pool = Pool()
        Change = pool.get('quarantine.stay.room_change')
        Room = pool.get('quarantine.room')
        reason = cls._check_reason(reason)
        if room.state != 'available' or room.site != stay.site:
            raise StayError(gettext('quarantine.msg_stay_room_unavailable',
                    stay=stay.rec_name, room=room.rec_name))
        old_room = stay.room
        moving = [stay] + cls.search([
                ('companion_of', '=', stay.id),
                ('state', '=', 'admitted'),
                ])
        if stay.companion_of:
            moving.append(stay.companion_of)
        Change.create([{
                    'stay': s.id,
                    'old_room': old_room.id,
                    'new_room': room.id,
                    'reason': reason,
                    } for s in moving])
        Room.occupy([room])
        cls.write(moving, {'room': room.id})
        Room.to_cleaning([old_room])

    @classmethod
    def copy(cls, stays, default=None):
        default = default.copy() if default is not None else {}
        for name in ['room', 'admitted_at', 'verified_at', 'verified_by',
                'left_at', 'end_date_reason', 'end_date_changes',
                'room_changes', 'readings', 'health_flag', 'companion_of']:
            default.setdefault(name)
        return super().copy(stays, default=default)

    @classmethod
    def delete(cls, stays):
        check_access_first(cls, stays, 'delete')
        for stay in stays:
            if stay.state not in {'draft', 'cancelled'}:
                raise StayError(gettext('quarantine.msg_stay_delete',
                        stay=stay.rec_name))
        super().delete(stays)


class StayChange:
    "A change made to a stay with its reason, the latest first"
    __slots__ = ()

    stay = fields.Many2One('quarantine.stay', "Stay", required=True,
        ondelete='CASCADE', readonly=True)
    reason = fields.Char("Reason", size=1000, required=True,
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]


class StayEndDateChange(StayChange, ModelSQL, ModelView):
    "Stay End Date Change"
    __name__ = 'quarantine.stay.end_date_change'
    __string__ = "Stay End Date Change"

    old_end_date = fields.Date("Old End Date", readonly=True)
    new_end_date = fields.Date("New End Date", required=True, readonly=True)


class StayRoomChange(StayChange, ModelSQL, ModelView):
    "Stay Room Change"
    __name__ = 'quarantine.stay.room_change'
    __string__ = "Stay Room Change"

    old_room = fields.Many2One('quarantine.room', "Old Room", readonly=True)
    new_room = fields.Many2One('quarantine.room', "New Room", required=True,
        readonly=True)


class ChangeEndDateStart(ModelView):
    "Change End Date"
    __name__ = 'quarantine.stay.change_end_date.start'
    __string__ = "Change End Date"

    stay = fields.Many2One('quarantine.stay', "Stay", readonly=True)
    current_end_date = fields.Date("Current End Date", readonly=True)
    end_date = fields.Date("New End Date", required=True)
    reason = fields.Char("Reason", size=1000, required=True,
        help="Why the period is extended or shortened, kept in the "
        "history.")


class ChangeStay:
    """A wizard that changes its stay, for the reason of its `start` form:
    the form shows the stay and its current_values(), `change` applies
    it with apply(Stay)"""
    change = StateTransition()

    def current_values(self):
        raise NotImplementedError

    def apply(self, Stay):
        raise NotImplementedError

    def default_start(self, fields):
        return {'stay': self.record.id, **self.current_values()}

    def transition_change(self):
        check_records([self.record])
        self.apply(Pool().get('quarantine.stay'))
        return 'end'


class ChangeEndDate(ChangeStay, Wizard):
    "Change End Date"
    __name__ = 'quarantine.stay.change_end_date'
    start = start_view('quarantine.stay.change_end_date.start',
        'quarantine.stay_change_end_date_start_view_form', "Change", 'change')

    def current_values(self):
        return {
            'current_end_date': self.record.end_date,
            'end_date': self.record.end_date,
            }

    def apply(self, Stay):
        Stay.change_end_dates(
            [self.record], self.start.end_date, self.start.reason)


class ChangeRoomStart(ModelView):
    "Change Room"
    __name__ = 'quarantine.stay.change_room.start'
    __string__ = "Change Room"

    stay = fields.Many2One('quarantine.stay', "Stay", readonly=True)
    site = fields.Many2One('quarantine.site', "Site", readonly=True)
    current_room = fields.Many2One('quarantine.room', "Current Room",
        readonly=True)
    room = fields.Many2One('quarantine.room', "New Room", required=True,
        domain=[('site', '=', Eval('site', -1)),
            ('state', '=', 'available')])
    reason = fields.Char("Reason", size=1000, required=True)


class ChangeRoom(ChangeStay, Wizard):
    "Change Room"
    __name__ = 'quarantine.stay.change_room'
    start = start_view('quarantine.stay.change_room.start',
        'quarantine.stay_change_room_start_view_form', "Change", 'change')

    def current_values(self):
        return {
            'site': self.record.site.id if self.record.site else None,
            'current_room': self.record.room.id if self.record.room else None,
            }

    def apply(self, Stay):
        check_records([self.start.room])
        Stay.move_to_room(self.record, self.start.room, self.start.reason)
