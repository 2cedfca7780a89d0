# This file is part of the quarantine module.  See README.md for licensing.
"""The release certificate (解除集中医学观察证明) and the daily sampling
roster, drawn by reports/ from data gathered here"""
from collections import defaultdict, namedtuple

from reports.certificate import render_certificates
from reports.identity import mask_identity
from openpyxl import Workbook
from reports.roster import render_roster

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateTransition, Wizard

from .board import floor_sort_key
from .excel import (
    SheetExport, SheetExportResult, export_result, save)
from .exceptions import LaboratoryCapacityWarning, ReleaseError
from .privacy import log_personal_data
from .papers import release_instructions, tests_by_stay
from .report import OFFICIAL_LANGUAGE, PDFReport, printed_at
from .common import check_sites, start_view
from .verification import verification_url

FloorOf = namedtuple('FloorOf', ['building', 'floor'])


class ReleaseCertificate(PDFReport):
    __name__ = 'quarantine.stay.release_certificate'

    @classmethod
    def render(cls, report, report_context):
        stays = report_context['records']
        for stay in stays:
            if stay.state != 'released' or not stay.certificate_number:
                raise ReleaseError(gettext(
                        'quarantine.msg_certificate_not_released',
                        stay=stay.rec_name))
            if not stay.certificate_code():
                raise ReleaseError(gettext(
                        'quarantine.msg_certificate_key_retired',
                        stay=stay.rec_name))
        log_personal_data(
            cls.__name__, [s.site for s in stays], len(stays), stays)
        Stay = Pool().get('quarantine.stay')
        with Transaction().set_context(language=OFFICIAL_LANGUAGE):
            # read in the certificate's language, together: the ORM then
            # reads each field for all the stays at once (one by one,
            # 1,000 certificates sent 4,000 queries)
            stays = Stay.browse([s.id for s in stays])
            home_tests = tests_by_stay(
                Pool().get('quarantine.home_monitoring'), stays, dual=None)
            return render_certificates([cls.certificate(s, home_tests[s.id])
                    for s in stays])

    @classmethod
    def certificate(cls, stay, home_tests=None):
        """The data of the certificate of the stay (read in its language);
        home_tests: see papers.release_instructions"""
        code = stay.certificate_code()
        tests = [s for s in stay.samples if s.result != 'pending']
        return {
            'title': gettext('quarantine.msg_certificate_title'),
            'number': stay.certificate_number,
            'name': stay.person.rec_name,
            'identity_number': mask_identity(stay.identity_number),
            'sex': stay.sex_string,
            'age': stay.age if stay.age is not None else '',
            'site': stay.site.rec_name if stay.site else '',
            'room': stay.room.name if stay.room else '',
            'start_date': str(stay.start_date),
            'end_date': str(stay.end_date),
            'release_date': str(stay.release_date),
            'body': gettext('quarantine.msg_certificate_body',
                name=stay.person.rec_name, days=(
                    stay.end_date - stay.start_date).days + 1),
            'tests': [{
                    'date': cls.sampling_date(s),
                    'day': s.day,
                    'kind': gettext(
                        'quarantine.msg_certificate_exit_test'
                        if s.exit_sample
                        else 'quarantine.msg_certificate_routine_test'),
                    'result': s.result_string,
                    'institution': (s.institution.rec_name
                        if s.institution else ''),
                    'reagent': s.reagent or '',
                    } for s in sorted(tests, key=lambda s: (
                        s.collected_at.date() if s.collected_at
                        else s.planned_date, s.id))],
            'issuer': stay.site.rec_name if stay.site else '',
            'issued_at': str(stay.release_date),
            # the public page that verifies it
            'qr_payload': verification_url(stay.certificate_number, code),
            'verification': gettext('quarantine.msg_certificate_verify',
                number=stay.certificate_number, code=code),
            'instructions': release_instructions(stay, home_tests),
            }

    @classmethod
    def sampling_date(cls, sample):
        "The day the specimen was taken, or the planned day, marked so"
        if sample.collected_at:
            return str(sample.collected_at.date())
        return gettext('quarantine.msg_certificate_planned_date',
            date=sample.planned_date)


class SamplingRoster(PDFReport):
    __name__ = 'quarantine.site.sampling_roster'

    @classmethod
    def render(cls, report, report_context):
        Date = Pool().get('ir.date')
        date = (report_context.get('data') or {}).get('date') or Date.today()
        site, = report_context['records']
        return render_roster(cls.roster(site, date, log=cls.__name__))

    @classmethod
    def roster(cls, site, date, log=None):
        """The samples of the site's residents planned that day, room by
        room, and its staff, read in one query each"""
        pool = Pool()
        Sample = pool.get('quarantine.sample')
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        Party = pool.get('party.party')
        Staff = pool.get('quarantine.staff')
        sample, stay = Sample.__table__(), Stay.__table__()
        room, party = Room.__table__(), Party.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*sample
            .join(stay, condition=sample.stay == stay.id)
            .join(room, condition=stay.room == room.id)
            .join(party, condition=stay.person == party.id)
            .select(room.building, room.floor, room.sequence, room.name,
                party.name, stay.identity_number, stay.category, sample.day,
                sample.exit_sample, sample.id,
                where=(stay.site == site.id) & (stay.state == 'admitted')
                & (sample.planned_date == date)
                & (sample.result == 'pending')))
        categories = dict(
            Stay.fields_get(['category'])['category']['selection'])
        groups = defaultdict(list)
        count = 0
        for (building, floor, sequence, room_name, name, number, category,
                day, exit_, sample_id) in cursor:
            count += 1
            key = floor_sort_key(FloorOf(building, floor))
            groups[key].append((sequence or 0, room_name, sample_id, {
                        'room': room_name,
                        'name': name,
                        'identity_number': mask_identity(number),
                        'kind': categories.get(category, category),
                        'test': gettext('quarantine.msg_roster_day',
                            day=day) + (
                            gettext('quarantine.msg_roster_exit')
                            if exit_ else ''),
                        'sample_code': Sample.code_of(sample_id),
                        'note': '',
                        }))
        staff = Staff.search([('site', '=', site.id)])
        result = [{
                'label': cls.floor_label(key),
                'rows': [row for *_, row in sorted(rows)],
                } for key, rows in sorted(groups.items())]
        if staff:
            result.append({
                    'label': gettext('quarantine.msg_roster_staff'),
                    'rows': [{
                            'room': '',
                            'name': s.party.rec_name,
                            'identity_number': '',
                            'kind': s.role_string,
                            'test': '',
                            'sample_code': '',
                            'note': '',
                            } for s in staff],
                    })
        if log:
            log_personal_data(log, [site], count, [site])
        return {
            'title': gettext('quarantine.msg_roster_title'),
            'site': site.rec_name,
            'date': str(date),
            'printed_at': printed_at(),
            'groups': result,
            'totals': [
                (gettext('quarantine.msg_roster_residents'), count),
                (gettext('quarantine.msg_roster_staff'), len(staff)),
                ],
            'page_format': gettext('quarantine.msg_room_board_page'),
            }

    @classmethod
    def floor_label(cls, key):
        RoomBoard = Pool().get('quarantine.site.room_board', type='report')
        return RoomBoard.floor_label(*key)


def laboratory_overload(site, date):
    """Return the translated warning when the samples planned on date for
    the laboratory of the site, all the sites it tests for together, are
    more than its daily capacity (Henan: no laboratory takes more samples
    than it can test); else None"""
    Sample = Pool().get('quarantine.sample')
    laboratory = site.laboratory if site else None
    if not date or not laboratory or not laboratory.laboratory_capacity:
        return None
    # a count of the samples of every site the laboratory serves, not
    # their residents: the user may read only their own sites
    with without_check_access():
        planned = Sample.search_count([
                ('planned_date', '=', date),
                ('result', '=', 'pending'),
                ('stay.state', '=', 'admitted'),
                ('laboratory', '=', laboratory.id),
                ])
    if planned <= laboratory.laboratory_capacity:
        return None
    return gettext('quarantine.msg_roster_laboratory_capacity',
        laboratory=laboratory.rec_name, planned=planned, date=date,
        capacity=laboratory.laboratory_capacity)


class PrintRosterStart(ModelView):
    "Print Sampling Roster"
    __name__ = 'quarantine.site.print_roster.start'
    __string__ = "Print Sampling Roster"

    site = fields.Many2One('quarantine.site', "Site", required=True)
    date = fields.Date("Date", required=True)
    capacity_warning = fields.Text("Laboratory Capacity", readonly=True,
        states={'invisible': ~Eval('capacity_warning')},
        help="Shown when the day's samples exceed the daily capacity of "
        "the site's laboratory.")

    @fields.depends('site', 'date')
    def on_change_with_capacity_warning(self, name=None):
        return laboratory_overload(self.site, self.date)


class PrintRosterResult(SheetExportResult, ModelView):
    "Sampling Roster"
    __name__ = 'quarantine.site.print_roster.result'
    __string__ = "Sampling Roster File"
    file_string = "Roster"
    count_string = "Samples"


def roster_workbook(roster):
    "The roster as a sheet for the sampling team's own tools"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = roster['date']
    sheet.append([f"{roster['title']} {roster['site']} {roster['date']}"])
    sheet.append(["楼层", "房间", "姓名", "身份证号", "类别", "检测",
            "样本编码", "已采"])
    for group in roster['groups']:
        for row in group['rows']:
            sheet.append([group['label'], row['room'], row['name'],
                    row['identity_number'], row['kind'], row['test'],
                    row['sample_code'], None])
    return save(workbook)


class PrintRoster(SheetExport, Wizard):
    "Print Sampling Roster"
    __name__ = 'quarantine.site.print_roster'
    start = start_view('quarantine.site.print_roster.start',
        'quarantine.site_print_roster_start_view_form', "Print", 'print_',
        'tryton-print', others=[Button("Excel", 'excel', 'tryton-save')])
    print_ = StateReport('quarantine.site.sampling_roster')
    excel = StateTransition()
    result = export_result('quarantine.site.print_roster.result',
        'quarantine.site_print_roster_result_view_form')

    def check_laboratory_capacity(self):
        "Warn, once confirmed, that the laboratory is over its capacity"
        Warning = Pool().get('res.user.warning')
        site, date = self.start.site, self.start.date
        message = laboratory_overload(site, date)
        if message:
            key = Warning.format(
                f'roster_laboratory_capacity_{date}', [site.laboratory])
            if Warning.check(key):
                raise LaboratoryCapacityWarning(key, message)

    def transition_excel(self):
        check_sites([self.start.site])
        self.check_laboratory_capacity()
        roster = SamplingRoster.roster(
            self.start.site, self.start.date, log=self.__name__)
        return self.deliver(roster_workbook(roster),
            f'roster-{self.start.site.code}-{self.start.date}.xlsx',
            sum(len(g['rows']) for g in roster['groups']))

    def start_values(self, today):
        return {'date': today}

    def do_print_(self, action):
        check_sites([self.start.site])
        self.check_laboratory_capacity()
        return action, {
            'id': self.start.site.id,
            'ids': [self.start.site.id],
            'model': 'quarantine.site',
            'date': self.start.date,
            }
