# This file is part of the quarantine module.  See README.md for licensing.
"""The papers a resident gets at admission (Henan L559, Zhejiang L102,
L126): the admission notice (入住告知书: the legal basis, the period, the
rules of the stay, the test days, the rights, the site's contact) and the
commitment letter (承诺书: what the resident promises, signed and dated),
drawn by reports/papers.py, offered by the form of the admitted stay; and the instructions after release that the
release certificate carries (Henan L125, L559)."""
from collections import defaultdict

from reports.identity import mask_identity
from reports.papers import render_papers

from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.tools import grouped_slice
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import StayError
from .privacy import log_personal_data
from .report import OFFICIAL_LANGUAGE, PDFReport

# A stay has its room, dates and test days from its admission on
PRINTABLE_STATES = {'admitted', 'released', 'transferred'}
# The papers are read in OFFICIAL_LANGUAGE and list their entries its way
SEPARATOR = '、'
NONE = '—'


# How many rules, rights and promises the papers print: messages numbered
# from 1 (msg_admission_rule_1, …)
RULES, RIGHTS, PROMISES = 6, 5, 6


class Texts(dict):
    """The messages without variables of the module by their id, translated
    once for a batch: what every page prints alike"""

    def __missing__(self, msg_id):
        text = self[msg_id] = gettext(f'quarantine.{msg_id}')
        return text

    def items(self, prefix, count):
        "The texts of the messages prefix1 to prefix<count>"
        return [self[f'{prefix}{n}'] for n in range(1, count + 1)]

    def numbered(self, heading, prefix, count):
        "A section of a heading and numbered items (see items)"
        return {'heading': self[heading], 'items': self.items(prefix, count)}


def tests_by_stay(Model, stays, dual='exit_sample'):
    """{stay id: [(day, date, dual)]} of the samples (or home tests) of the
    stays, read as values: as records, the 6,000 samples of 1,000 stays
    overflow the record cache, which then reads them again and again"""
    result = defaultdict(list)
    fields = ['stay', 'day', 'planned_date'] + ([dual] if dual else [])
    for sub_ids in grouped_slice([s.id for s in stays], 1000):
        for row in Model.search_read([('stay', 'in', list(sub_ids))],
                order=[('planned_date', 'ASC'), ('id', 'ASC')],
                fields_names=fields):
            result[row['stay']].append((row['day'],
                    str(row['planned_date']),
                    bool(row[dual]) if dual else False))
    return result


def format_test_days(tests):
    """The test days as the papers print them, from (day, date, dual)
    triples: a day of two specimens once, marked dual sampling"""
    days = {}
    for day, date, dual in tests:
        previous = days.get((day, date))
        days[(day, date)] = dual or bool(previous)
    return SEPARATOR.join(gettext(
            'quarantine.msg_paper_test_day_dual' if dual
            else 'quarantine.msg_paper_test_day', day=day, date=date)
        for (day, date), dual in sorted(
            days.items(), key=lambda i: (i[0][1], i[0][0])))


class Stay(metaclass=PoolMeta):
    """An admitted stay's form offers its papers: once *Admit* is pressed,
    the form shows the buttons that print them"""
    __name__ = 'quarantine.stay'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                name: {
                    'invisible': Eval('state') != 'admitted',
                    'icon': 'tryton-print',
                    'depends': ['state'],
                    } for name in [
                    'print_admission_notice', 'print_commitment_letter']})

    @classmethod
    @ModelView.button_action('quarantine.report_admission_notice')
    def print_admission_notice(cls, stays):
        pass

    @classmethod
    @ModelView.button_action('quarantine.report_commitment_letter')
    def print_commitment_letter(cls, stays):
        pass


class AdmissionPaper(PDFReport):
    """What the papers of admission share: printed for admitted stays (and
    again later), logged as an access to personal data, read and drawn in
    Chinese, the identity number masked as on the certificate (the paper
    leaves the site with the resident)"""

    @classmethod
    def render(cls, report, report_context):
        Stay = Pool().get('quarantine.stay')
        stays = report_context['records']
        for stay in stays:
            if stay.state not in PRINTABLE_STATES:
                raise StayError(gettext(
                        'quarantine.msg_paper_not_admitted',
                        stay=stay.rec_name, state=stay.state_string))
        log_personal_data(
            cls.__name__, [s.site for s in stays], len(stays), stays)
        with Transaction().set_context(language=OFFICIAL_LANGUAGE):
            stays = Stay.browse([s.id for s in stays])
            tests = cls.tests(stays)
            texts = Texts()
            return render_papers(
                [cls.paper(s, tests[s.id], texts) for s in stays])

    @classmethod
    def tests(cls, stays):
        "{stay id: [(day, date, dual)]}: the tests the papers print"
        return defaultdict(list)

    @classmethod
    def person(cls, stay):
        "The values of the person table"
        return {
            'name': stay.person.rec_name,
            'identity_number': mask_identity(stay.identity_number),
            'sex': stay.sex_string or '',
            'age': stay.age if stay.age is not None else '',
            'site': stay.site.rec_name if stay.site else '',
            'room': stay.room.name if stay.room else '',
            'arrival_date': str(stay.arrival_date),
            'end_date': str(stay.end_date or ''),
            'duration': gettext('quarantine.msg_paper_days',
                days=cls.days(stay)),
            }

    @classmethod
    def days(cls, stay):
        "The days of the period, from its start (by the regime) to its end"
        return (stay.end_date - stay.start_date).days + 1

    @classmethod
    def paper(cls, stay, tests, texts):
        raise NotImplementedError


class AdmissionNotice(AdmissionPaper):
    __name__ = 'quarantine.stay.admission_notice'

    @classmethod
    def tests(cls, stays):
        return tests_by_stay(Pool().get('quarantine.sample'), stays)

    @classmethod
    def paper(cls, stay, tests, texts):
        site = stay.site
        tests = format_test_days(tests)
        return dict(cls.person(stay),
            title=texts['msg_admission_notice_title'],
            sections=[{
                    'text': gettext('quarantine.msg_admission_notice_intro',
                        name=stay.person.rec_name,
                        category=stay.category_string,
                        site=site.rec_name if site else '',
                        start_date=stay.start_date, days=cls.days(stay),
                        arrival_date=stay.arrival_date,
                        end_date=stay.end_date),
                    },
                texts.numbered('msg_admission_notice_rules',
                    'msg_admission_rule_', RULES), {
                    'heading': texts['msg_admission_notice_tests'],
                    'text': gettext(
                        'quarantine.msg_admission_notice_test_days',
                        tests=tests) if tests
                    else texts['msg_admission_notice_no_tests'],
                    },
                texts.numbered('msg_admission_notice_rights',
                    'msg_admission_right_', RIGHTS), {
                    'heading': texts['msg_admission_notice_contacts'],
                    'text': gettext(
                        'quarantine.msg_admission_notice_contact',
                        site=site.rec_name if site else NONE,
                        contact=(site.contact_name if site else '') or NONE,
                        phone=(site.contact_phone if site else '') or NONE),
                    }],
            signatures=[
                (texts['msg_paper_notified_by'],
                    site.rec_name if site else ''),
                (texts['msg_paper_notified_on'],
                    str(stay.admitted_at.date() if stay.admitted_at
                        else stay.arrival_date)),
                (texts['msg_paper_received_by'], ''),
                (texts['msg_paper_signed_on'], ''),
                ],
            labels={'footer': texts['msg_admission_notice_footer']})


# The age under which the guardian signs the commitment letter too
GUARDIAN_AGE = 18


class CommitmentLetter(AdmissionPaper):
    __name__ = 'quarantine.stay.commitment_letter'

    @classmethod
    def paper(cls, stay, tests, texts):
        signatures = [
            (texts['msg_commitment_signature'], ''),
            (texts['msg_paper_signed_on'], ''),
            ]
        if stay.age is not None and stay.age < GUARDIAN_AGE:
            signatures += [
                (texts['msg_commitment_guardian'], ''),
                (texts['msg_paper_signed_on'], ''),
                ]
        return dict(cls.person(stay),
            title=texts['msg_commitment_title'],
            sections=[{
                    'text': gettext('quarantine.msg_commitment_intro',
                        name=stay.person.rec_name,
                        site=stay.site.rec_name if stay.site else '',
                        room=stay.room.name if stay.room else '',
                        arrival_date=stay.arrival_date,
                        end_date=stay.end_date),
                    'items': texts.items('msg_commitment_item_', PROMISES),
                    }],
            signatures=signatures,
            labels={'footer': texts['msg_commitment_footer']})


def release_instructions(stay, home_tests=None):
    """What the certificate tells the released resident to do (Henan L125,
    L559): home monitoring for the regime's days, the tests planned at home
    after release (home_tests: see tests_by_stay; read when not given),
    symptoms to report"""
    if home_tests is None:
        home_tests = tests_by_stay(
            Pool().get('quarantine.home_monitoring'), [stay], dual=None)[
            stay.id]
    home_days = stay.regime.home_monitoring_days if stay.regime else 0
    lines = [gettext('quarantine.msg_release_home_monitoring',
            days=home_days) if home_days
        else gettext('quarantine.msg_release_community_monitoring')]
    tests = format_test_days(home_tests)
    if tests:
        lines.append(gettext('quarantine.msg_release_home_tests',
                tests=tests))
    lines.append(gettext('quarantine.msg_release_report_symptoms'))
    return {
        'heading': gettext('quarantine.msg_release_instructions'),
        'items': lines,
        }
