# This file is part of the quarantine module.  See README.md for licensing.
"""Time limits of the day: persons identified and not yet isolated within
8 hours (Henan L163/L583), laboratory results due 6 hours after collection
for contacts and 12 hours for the others (Henan L229, Ruijin L1274), and a
laboratory's daily capacity on the sampling roster (Henan L611)."""
import datetime as dt

from trytond.exceptions import UserError, UserWarning
from trytond.modules.quarantine.tests.tools import (
    TODAY, ActivatedTestCase, active_site, admit_residents, create_party,
    create_person, create_stay, load_translations, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

HOUR = dt.timedelta(hours=1)


def now():
    return dt.datetime.now().replace(microsecond=0)


def roster_wizard(site, date):
    PrintRoster = Pool().get('quarantine.site.print_roster', type='wizard')
    session_id, _, _ = PrintRoster.create()
    wizard = PrintRoster(session_id)
    wizard.start.site = site
    wizard.start.date = date
    return wizard


class TurnaroundTestCase(ActivatedTestCase):
    "Isolation and laboratory time limits"

    @with_transaction()
    def test_isolation_overdue(self):
        """A close contact identified 9 hours ago and not admitted is on
        the 待隔离超时 list; one identified 7 hours ago, an inbound
        traveller (12 hours) identified 9 hours ago, one admitted and one
        without an identification time are not"""
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=5)
        late = create_stay(create_person("超时", sequence='001'), site,
            identified_at=now() - 9 * HOUR)
        in_time = create_stay(create_person("未超时", sequence='002'), site,
            identified_at=now() - 7 * HOUR)
        inbound = create_stay(create_person("入境", sequence='003'), site,
            category='inbound', identified_at=now() - 9 * HOUR)
        admitted = create_stay(create_person("已入住", sequence='004'), site,
            site.rooms[0], identified_at=now() - 9 * HOUR)
        Stay.admit([admitted])
        unknown = create_stay(create_person("未填", sequence='005'), site)

        self.assertEqual(late.admission_deadline,
            late.identified_at + 8 * HOUR)
        self.assertEqual(inbound.admission_deadline,
            inbound.identified_at + 12 * HOUR)
        self.assertIsNone(unknown.admission_deadline)
        self.assertEqual(
            {s.id: s.admission_overdue for s in Stay.browse(
                    [late, in_time, inbound, admitted, unknown])},
            {late.id: True, in_time.id: False, inbound.id: False,
                admitted.id: False, unknown.id: False})
        self.assertEqual(Stay.search([('admission_overdue', '=', True)]),
            [late])
        self.assertEqual(
            set(Stay.search([('admission_overdue', '=', False)])),
            {in_time, inbound, admitted, unknown})

    @with_transaction()
    def test_identified_in_future_refused(self):
        "An identification time to come is a typo, refused"
        Stay = Pool().get('quarantine.stay')
        stay = create_stay(create_person("甲"))
        with self.assertRaises(UserError):
            with savepoint():
                Stay.write([stay], {'identified_at': now() + 3 * HOUR})
        self.assertIsNone(Stay(stay.id).identified_at)

    @with_transaction()
    def test_results_overdue(self):
        """A contact's sample collected 7 hours ago, still pending, is late
        (6 hours); an inbound traveller's is not (12 hours) until 13 hours;
        a recorded result is never late; the list is searched by
        laboratory, the sampling institution's or the site's"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Sample = pool.get('quarantine.sample')
        Site = pool.get('quarantine.site')
        Configuration = pool.get('quarantine.configuration')
        lab, other_lab = create_party("市疾控"), create_party("第三方实验室")
        site = active_site(rooms=5)
        Site.write([site], {'laboratory': lab.id})
        contact = create_stay(create_person("密接", sequence='011'), site,
            site.rooms[0])
        inbound = create_stay(create_person("入境", sequence='012'), site,
            site.rooms[1], category='inbound')
        old_inbound = create_stay(create_person("入境2", sequence='013'),
            site, site.rooms[2], category='inbound')
        recorded = create_stay(create_person("已出", sequence='014'), site,
            site.rooms[3])
        Stay.admit([contact, inbound, old_inbound, recorded])

        def first(stay):
            return sorted(Stay(stay.id).samples, key=lambda s: s.day)[0]
        c, i, o, r = map(first, [contact, inbound, old_inbound, recorded])
        Sample.write([c, i, r], {'collected_at': now() - 7 * HOUR})
        Sample.write([o], {'collected_at': now() - 13 * HOUR,
                'institution': other_lab.id})
        Sample.record_results([Sample(r.id)], 'negative', institution=lab,
            reagent="华大", collected_at=now() - 7 * HOUR)

        c, i, o, r = Sample.browse([c, i, o, r])
        self.assertEqual(c.result_due, c.collected_at + 6 * HOUR)
        self.assertEqual(i.result_due, i.collected_at + 12 * HOUR)
        self.assertEqual([s.result_overdue for s in [c, i, o, r]],
            [True, False, True, False])
        self.assertEqual(set(Sample.search([('result_overdue', '=', True)])),
            {c, o})
        self.assertEqual(c.laboratory, lab)
        self.assertEqual(o.laboratory, other_lab)
        self.assertEqual(Sample.search([('result_overdue', '=', True),
                    ('laboratory', '=', lab.id)]), [c])
        self.assertEqual(Sample.search([('result_overdue', '=', True),
                    ('laboratory', '=', other_lab.id)]), [o])
        self.assertNotIn(c, Sample.search([('result_overdue', '=', False)]))

        # the configuration's hours apply: contacts within 8 hours
        Configuration.write([Configuration(1)], {'result_hours_contact': 8})
        self.assertFalse(Sample(c.id).result_overdue)
        self.assertEqual(Sample.search([('result_overdue', '=', True)]), [o])
        with self.assertRaises(UserError):
            with savepoint():
                Configuration.write([Configuration(1)],
                    {'result_hours_other': 0})

    @with_transaction()
    def test_roster_laboratory_capacity(self):
        """Two sites send their samples to one laboratory testing 10 a
        day: their 12 samples of the day make the roster warn, on its form
        and when printing; at 12 a day it does not"""
        pool = Pool()
        Site = pool.get('quarantine.site')
        Party = pool.get('party.party')
        load_translations('quarantine')
        lab = create_party("市疾控")
        Party.write([lab], {'laboratory_capacity': 10})
        site_a = active_site(rooms=6)
        site_b = active_site(rooms=6, code='S2')
        Site.write([site_a, site_b], {'laboratory': lab.id})
        admit_residents(site_a, site_a.rooms)
        b_stays = [create_stay(create_person(f"B{i}", sequence=f'{500 + i}'),
                site_b, room) for i, room in enumerate(site_b.rooms)]
        pool.get('quarantine.stay').admit(b_stays)

        wizard = roster_wizard(site_a, TODAY)
        with Transaction().set_context(language='zh_CN'):
            warning = wizard.start.on_change_with_capacity_warning()
        self.assertIn("每天可检测 10 份样本", warning)
        self.assertIn("计划采样 12 份", warning)
        with Transaction().set_user(1):
            with self.assertRaises(UserWarning):
                wizard.check_laboratory_capacity()
        # another day has no sample planned
        self.assertIsNone(roster_wizard(site_a, TODAY + dt.timedelta(days=30))
            .start.on_change_with_capacity_warning())

        Party.write([lab], {'laboratory_capacity': 12})
        wizard = roster_wizard(site_b, TODAY)
        self.assertIsNone(wizard.start.on_change_with_capacity_warning())
        with Transaction().set_user(1):
            wizard.check_laboratory_capacity()
        with self.assertRaises(UserError):
            with savepoint():
                Party.write([lab], {'laboratory_capacity': -1})
