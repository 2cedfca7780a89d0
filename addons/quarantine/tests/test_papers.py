# This file is part of the quarantine module.  See README.md for licensing.
"""The papers a resident gets: the admission notice and the commitment
letter at admission (Henan L559, Zhejiang L102, L126), the instructions
after release on the certificate (Henan L125, L559)"""
import datetime as dt
import io
import unittest

from pypdf import PdfReader

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from . import test_release
from .city import CityTestCase
from .tools import (
    ActivatedTestCase, active_site, create_party, create_person, create_stay,
    load_translations)


def flat(content):
    "The text of a PDF without its white space: wrapped lines join again"
    return ''.join(test_release.pdf_text(content).split())


def page_count(content):
    return len(PdfReader(io.BytesIO(content)).pages)


def arriving_stay(name, sequence, site, room, birth='19800101'):
    """A close contact exposed two days ago who arrives today, on the
    14-day regime (Henan L559), admitted"""
    pool = Pool()
    Stay = pool.get('quarantine.stay')
    Date = pool.get('ir.date')
    today = Date.today()
    stay = create_stay(create_person(name, birth=birth, sequence=sequence),
        site, room, exposure_date=today - dt.timedelta(days=2),
        arrival_date=today)
    Stay.admit([stay])
    return Stay(stay.id)


REPORTS = ['admission_notice', 'commitment_letter']


class PapersTestCase(ActivatedTestCase):
    "Admission notice, commitment letter, instructions after release"

    def report(self, name):
        return Pool().get(f'quarantine.stay.{name}', type='report')

    def logs(self):
        return Pool().get('quarantine.access.log').search(
            [], order=[('id', 'ASC')])

    @with_transaction()
    def test_admission_notice(self):
        """One page a resident: full name, masked number, site, room, the
        14 days, each test day (day 14 dual), rules, rights, contact"""
        pool = Pool()
        Site = pool.get('quarantine.site')
        load_translations('quarantine')
        site = active_site(rooms=2, code='N1', name="金水区第三隔离点")
        Site.write([site], {'contact_name': "王医生",
                'contact_phone': '0371-66886688'})
        stay = arriving_stay("张小明", '111', site, site.rooms[0])
        other = arriving_stay("欧阳晓红", '222', site, site.rooms[1])
        Notice = self.report('admission_notice')
        extension, content, _, _ = Notice.execute([stay.id, other.id], {})
        self.assertEqual(extension, 'pdf')
        self.assertEqual(page_count(content), 2)
        text = flat(content)
        self.assertEqual((stay.end_date - stay.start_date).days + 1, 14)
        for value in ["集中隔离医学观察入住告知书", "张小明", "欧阳晓红",
                "金水区第三隔离点", site.rooms[0].name, site.rooms[1].name,
                str(stay.arrival_date), str(stay.end_date), "14天",
                stay.identity_number[-4:],
                "《中华人民共和国传染病防治法》",
                "单人单间居住，观察期间不得外出",
                "错时取餐", "N95/KN95",
                "隔离期满且无任何异常情况的，及时解除隔离",
                "心理支持、心理疏导",
                "联系人：王医生；联系电话：0371-66886688",
                "被告知人签收", "一式两份"]:
            self.assertIn(value, text)
        self.assertNotIn(stay.identity_number, text)
        exit_days = {s.day for s in stay.samples if s.exit_sample}
        self.assertEqual(exit_days, {14})
        for sample in stay.samples:
            if sample.exit_sample:
                self.assertEqual(sample.planned_date, stay.end_date)
                self.assertIn(
                    f"第14天（{stay.end_date}，“双采双检”）", text)
            else:
                self.assertIn(
                    f"第{sample.day}天（{sample.planned_date}）", text)
        # the print is logged, as the certificates'
        log, = self.logs()
        self.assertEqual(
            (log.what, log.site, log.person_count),
            ('quarantine.stay.admission_notice', site, 2))

    @with_transaction()
    def test_commitment_letter(self):
        """The resident's promises (Zhejiang L118-L126) with a line to sign
        and date; a child's guardian signs too"""
        pool = Pool()
        Date = pool.get('ir.date')
        load_translations('quarantine')
        site = active_site(rooms=2, code='C1', name="隔离点C")
        stay = arriving_stay("张小明", '111', site, site.rooms[0])
        child_birth = (Date.today() - dt.timedelta(days=365 * 10)).strftime(
            '%Y%m%d')
        child = arriving_stay("张小小", '222', site, site.rooms[1],
            birth=child_birth)
        Letter = self.report('commitment_letter')
        _, content, _, _ = Letter.execute([stay.id], {})
        text = flat(content)
        self.assertEqual(page_count(content), 1)
        for value in ["集中隔离医学观察承诺书",
                f"本人张小明，自{stay.arrival_date}起在隔离点C"
                f"（{site.rooms[0].name}房间）接受集中隔离医学观察"
                f"至{stay.end_date}，郑重承诺",
                "未经许可，不离开集中隔离场所",
                "不会见无关人员",
                "如实报告接触人员情况、活动轨迹、身体状况、工作单位以及联系方式",
                "配合体温测量、核酸检测",
                "愿依法承担相应的法律责任",
                "承诺人（签字）：", "日期：", "一人一档"]:
            self.assertIn(value, text)
        self.assertNotIn("监护人", text)
        self.assertNotIn(stay.identity_number, text)
        _, content, _, _ = Letter.execute([child.id], {})
        self.assertIn("监护人（签字）：", flat(content))
        self.assertEqual(len(self.logs()), 2)

    @with_transaction()
    def test_draft_refused(self):
        """A stay not admitted has no papers: refused in Chinese, naming it,
        nothing printed or logged, the stay unchanged"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        load_translations('quarantine')
        site = active_site(rooms=2, code='D1')
        admitted = arriving_stay("张小明", '111', site, site.rooms[0])
        draft = create_stay(create_person("李四", sequence='222'), site,
            site.rooms[1])
        for name in REPORTS:
            with self.subTest(report=name):
                with Transaction().set_context(language='zh_CN'), \
                        self.assertRaises(UserError) as cm:
                    self.report(name).execute([admitted.id, draft.id], {})
                self.assertIn("入住后方可打印", cm.exception.message)
                self.assertIn("李四", cm.exception.message)
        self.assertEqual(Stay(draft.id).state, 'draft')
        self.assertEqual(self.logs(), [])

    @with_transaction()
    def test_certificate_instructions(self):
        """The certificate tells the resident what to do after release: the
        regime's home monitoring days, the home tests on days 2 and 7 (dual
        sampling), the symptoms to report"""
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        Certificate = pool.get(
            'quarantine.stay.release_certificate', type='report')
        load_translations('quarantine')
        case = test_release.ReleaseTestCase()
        case.lab_a = create_party("疾控中心检验所")
        case.lab_b = create_party("第三方检测机构")
        stay = case.release(test_release.admitted_stay(name="张小明"))
        _, content, _, _ = Certificate.execute([stay.id], {})
        text = flat(content)
        release = stay.release_date
        self.assertEqual(stay.regime.home_monitoring_days, 0)
        for value in ["解除隔离后注意事项", "返家后配合社区做好健康监测",
                f"解除隔离后第2天（{release + dt.timedelta(days=2)}）、"
                f"第7天（{release + dt.timedelta(days=7)}）"
                "各进行1次核酸检测（“双采双检”）",
                "如出现发热、干咳、乏力、咽痛、嗅（味）觉减退、腹泻等症状，"
                "及时报告所在社区和属地疫情防控机构",
                # what the certificate printed before is still there
                "张小明", stay.certificate_number]:
            self.assertIn(value, text)
        self.assertNotIn("居家健康监测", text)
        # a regime with home monitoring after release (7 + 7, Henan L19)
        Regime.write([stay.regime], {'home_monitoring_days': 7})
        _, content, _, _ = Certificate.execute([stay.id], {})
        text = flat(content)
        self.assertIn("解除隔离后居家健康监测7天，配合社区做好健康监测", text)
        self.assertIn(stay.certificate_number, text)


class PapersOfferedTestCase(CityTestCase):
    "The admitted stay's form offers its papers, as the web client shows it"

    @classmethod
    def setUpDatabase(cls):
        super().setUpDatabase()
        load_translations('quarantine')
        ActionReport = Pool().get('ir.action.report')
        cls.actions = {a.report_name: a.id for a in ActionReport.search([
                    ('report_name', 'in', [f'quarantine.stay.{n}'
                            for n in REPORTS])])}

    def action_id(self, report):
        return self.actions[f'quarantine.stay.{report}']

    def test_admit_then_print(self):
        """A clerk of A admits a stay from its form: the form then offers
        *打印入住告知书* and *打印承诺书*, which print the resident's papers;
        on a stay not admitted they are hidden, and pressed anyway the paper
        is refused in Chinese, naming the stay, nothing logged"""
        city = self.city
        zh = {'language': 'zh_CN'}
        admin = self.login('city_admin')
        client = self.login('clerk_a')
        person, = admin.model('party.party', 'create', [{'name': "入住甲"}])
        room, = admin.model('quarantine.room', 'search', [
                ('site', '=', city['sites']['a']),
                ('state', '=', 'available')], 0, 1, None)
        stay_id, = admin.model('quarantine.stay', 'create', [{
                    'person': person, 'site': city['sites']['a'],
                    'room': room, 'arrival_date': dt.date.today(),
                    'exposure_date': dt.date.today() - dt.timedelta(days=1),
                    }])
        arch = client.model('quarantine.stay', 'fields_view_get', None,
            'form', context=zh)['arch']
        for name, label in [
                ('print_admission_notice', "打印入住告知书"),
                ('print_commitment_letter', "打印承诺书")]:
            self.assertIn(f'name="{name}"', arch)
            self.assertIn(label, arch)
        # not admitted: the hidden button pressed anyway is refused, and
        # the paper printed anyway is refused in Chinese; nothing logged
        for name in ['print_admission_notice', 'print_commitment_letter']:
            error = self.assertRefused(client.model, 'quarantine.stay',
                name, [stay_id], context=zh)
            self.assertIn("入住甲", error.message)
        error = self.assertRefused(client.report,
            'quarantine.stay.admission_notice', 'quarantine.stay',
            [stay_id], {'action_id': self.action_id('admission_notice')},
            context=zh)
        self.assertIn("入住后方可打印", error.message)
        self.assertIn("入住甲", error.message)
        self.assertEqual(
            admin.model('quarantine.access.log', 'search', []), [])
        client.model('quarantine.stay', 'admit', [stay_id])
        state, = client.model('quarantine.stay', 'read', [stay_id],
            ['state'])
        self.assertEqual(state['state'], 'admitted')
        for name, report, title in [
                ('print_admission_notice', 'admission_notice', "告知书"),
                ('print_commitment_letter', 'commitment_letter', "承诺书")]:
            with self.subTest(button=name):
                # the button gives the client the report's action to run
                action_id = client.model('quarantine.stay', name, [stay_id])
                self.assertEqual(action_id, self.action_id(report))
                extension, content, _, _ = client.report(
                    f'quarantine.stay.{report}', 'quarantine.stay',
                    [stay_id], {'action_id': action_id})
                self.assertEqual(extension, 'pdf')
                text = flat(bytes(content))
                self.assertIn("入住甲", text)
                self.assertIn(title, text)


class PapersAccessTestCase(CityTestCase):
    "Who prints the papers, over JSON-RPC as the web client does"

    @classmethod
    def setUpDatabase(cls):
        super().setUpDatabase()
        # the web client prints a report by its action (`action_id`)
        ActionReport = Pool().get('ir.action.report')
        cls.actions = {a.report_name: a.id for a in ActionReport.search([
                    ('report_name', 'in', [f'quarantine.stay.{n}'
                            for n in REPORTS])])}

    def print_(self, client, report, ids):
        return client.report(report, 'quarantine.stay', ids,
            {'action_id': self.actions[report]})

    def test_site_bound(self):
        """A site manager and a clerk of A print A's residents' papers and
        are refused B's; logistics print none; the prints are logged"""
        city = self.city
        for login in ['manager_a', 'clerk_a']:
            client = self.login(login)
            for name in REPORTS:
                report = f'quarantine.stay.{name}'
                with self.subTest(login=login, report=name):
                    extension, _, _, _ = self.print_(
                        client, report, [city['stays']['a']])
                    self.assertEqual(extension, 'pdf')
                    self.assertRefused(self.print_, client, report,
                        [city['stays']['b']])
                    self.assertRefused(self.print_, client, report,
                        [city['stays']['a'], city['stays']['b']])
        logistics = self.login('logistics')
        for name in REPORTS:
            self.assertRefused(self.print_, logistics,
                f'quarantine.stay.{name}', [city['stays']['a']])
        admin = self.login('city_admin')
        logs = admin.model('quarantine.access.log', 'search_read', [],
            0, None, [('id', 'ASC')], ['user', 'what', 'site', 'person_count'])
        self.assertEqual([(r['user'], r['what'], r['site'], r['person_count'])
                for r in logs], [
                (city['users'][login], f'quarantine.stay.{name}',
                    city['sites']['a'], 1)
                for login in ['manager_a', 'clerk_a']
                for name in REPORTS])


del CityTestCase

if __name__ == '__main__':
    unittest.main()
