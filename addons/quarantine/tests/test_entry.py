# This file is part of the quarantine module.  See README.md for licensing.
"Quick entry: a person typed in one row of a stay, found or created"
import datetime as dt

from trytond.exceptions import UserError
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, TODAY, active_site, create_person, create_stay,
    make_ric, savepoint, signed_consent)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction


def entry(name, number, **values):
    "The values of a stay typed in the arrival list"
    Regime = Pool().get('quarantine.regime')
    regime, = Regime.search([('code', '=', 'centralized_14')])
    return dict({
            'person_name': name, 'id_number': number,
            'phone': '13800138000', 'category': 'close_contact',
            'regime': regime.id, 'arrival_date': TODAY,
            }, **values)


class EntryTestCase(ActivatedTestCase):
    "Quick entry of residents"

    def counts(self):
        pool = Pool()
        return (pool.get('party.party').search_count([]),
            pool.get('quarantine.stay').search_count([]))

    @with_transaction()
    def test_new_person(self):
        """Name, number, phone and category create the party with its
        identity card number, and the stay with birth date, sex and age"""
        Stay = Pool().get('quarantine.stay')
        number = make_ric('19800315', '124')
        stay, = Stay.create([entry(" 王  小明 ", number[:6] + ' '
                    + number[6:].lower())])
        self.assertEqual(stay.person.name, "王 小明")
        self.assertEqual(
            [(i.type, i.code) for i in stay.person.identifiers],
            [('cn_ric', number)])
        self.assertEqual(stay.person.quarantine_identity_number, number)
        self.assertEqual((stay.identity_number, stay.birth_date, stay.sex,
                stay.age), (number, dt.date(1980, 3, 15), 'female', 42))
        self.assertEqual((stay.person_name, stay.id_type, stay.id_number,
                stay.phone, stay.category),
            ("王 小明", 'cn_ric', number, '13800138000', 'close_contact'))
        # the list searches by the typed fields
        self.assertEqual(Stay.search([('person_name', 'ilike', '%小明%')]),
            [stay])
        self.assertEqual(Stay.search([('id_number', '=', number)]), [stay])

    @with_transaction()
    def test_known_number_reuses_party(self):
        """A second stay of the same number (the first one closed) is the
        same party, whatever the spaces of the name"""
        Stay = Pool().get('quarantine.stay')
        person = create_person("李四", '19700101', '131')
        first = create_stay(person)
        Stay.cancel([first])
        before = self.counts()
        stay, = Stay.create([entry("李 四", make_ric('19700101', '131'))])
        self.assertEqual(stay.person, person)
        self.assertEqual(self.counts(), (before[0], before[1] + 1))

    @with_transaction()
    def test_name_mismatch_refused(self):
        "A known number typed with another name is refused, naming both"
        Stay = Pool().get('quarantine.stay')
        create_person("李四", '19700101', '131')
        before = self.counts()
        with self.assertRaisesRegex(UserError, '李四.*张三'):
            with savepoint():
                Stay.create([entry("张三", make_ric('19700101', '131'))])
        self.assertEqual(self.counts(), before)

    @with_transaction()
    def test_open_stay_refused(self):
        """The person of an open stay is refused a second one, and nothing
        of the batch is written"""
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=2)
        create_stay(create_person("赵六", '19650101', '141'), site)
        before = self.counts()
        with self.assertRaisesRegex(UserError, '赵六.*Site S1'):
            with savepoint():
                Stay.create([
                        entry("新人", make_ric('19900101', '151')),
                        entry("赵六", make_ric('19650101', '141')),
                        ])
        self.assertEqual(self.counts(), before)

    @with_transaction()
    def test_repeated_in_batch_refused(self):
        "The same number twice in one list is refused, nothing written"
        Stay = Pool().get('quarantine.stay')
        number = make_ric('19900101', '161')
        before = self.counts()
        with self.assertRaisesRegex(UserError, number):
            with savepoint():
                Stay.create([entry("甲", number), entry("甲", number)])
        self.assertEqual(self.counts(), before)

    @with_transaction()
    def test_wrong_number_refused(self):
        "A wrong check digit is refused with the reason, nothing written"
        Stay = Pool().get('quarantine.stay')
        number = make_ric('19900101', '171')
        wrong = number[:-1] + ('0' if number[-1] != '0' else '1')
        before = self.counts()
        with self.assertRaisesRegex(UserError, wrong):
            with savepoint():
                Stay.create([entry("乙", wrong)])
        with self.assertRaises(UserError):
            with savepoint():
                Stay.create([entry("", number)])
        self.assertEqual(self.counts(), before)

    @with_transaction()
    def test_passport(self):
        """A foreigner is entered with a passport: the party holds it, the
        stay has no identity card facts"""
        Stay = Pool().get('quarantine.stay')
        stay, = Stay.create([entry("John Smith", 'e 1234 5678',
                    id_type='passport', category='inbound')])
        self.assertEqual(
            [(i.type, i.code) for i in stay.person.identifiers],
            [('passport', 'E12345678')])
        self.assertEqual((stay.id_type, stay.id_number, stay.identity_number,
                stay.birth_date), ('passport', 'E12345678', None, None))
        self.assertEqual(Stay.search([('id_type', '=', 'passport')]),
            [stay])
        Stay.cancel([stay])
        again, = Stay.create([entry("john  smith", 'E12345678',
                    id_type='passport')])
        self.assertEqual(again.person, stay.person)
        with self.assertRaises(UserError):
            with savepoint():
                Stay.create([entry("X", 'E1;DROP', id_type='passport')])

    @with_transaction()
    def test_child_and_guardian(self):
        """A child and the guardian who accompanies them are entered in one
        call: the guardian's stay is the companion of the child's"""
        Stay = Pool().get('quarantine.stay')
        child_number = make_ric('20150601', '181')
        child, guardian = Stay.create([
                entry("小红", child_number),
                entry("红妈", make_ric('19850101', '182'),
                    companion_number=child_number,
                    **signed_consent("红妈")),
                ])
        self.assertEqual(child.age, 6)
        self.assertEqual(guardian.companion_of, child)
        self.assertEqual(guardian.companion_number, child_number)
        self.assertTrue(guardian.guardian_consent)
        self.assertEqual(
            (guardian.consent_signed_by, guardian.consent_signed_at),
            ("红妈", dt.datetime(2022, 5, 10, 8, 30)))
        # two adults are not companions
        before = self.counts()
        adult = make_ric('19800101', '183')
        with self.assertRaises(UserError):
            with savepoint():
                Stay.create([entry("成人", adult),
                        entry("另一", make_ric('19810101', '184'),
                            companion_number=adult)])
        with self.assertRaises(UserError):
            with savepoint():
                Stay.create([entry("无人", make_ric('19810101', '185'),
                            companion_number=make_ric('20150101', '186'))])
        self.assertEqual(self.counts(), before)

    @with_transaction()
    def test_write_entry(self):
        """Correcting the number of a draft stay finds the right person;
        correcting a typo in the name of its own new person renames it"""
        Stay = Pool().get('quarantine.stay')
        known = create_person("钱七", '19600101', '191')
        Stay.cancel([create_stay(known)])
        stay, = Stay.create([entry("钱7", make_ric('19600101', '192'))])
        typo = stay.person
        Stay.write([stay], {'person_name': "钱八"})
        self.assertEqual((stay.person, typo.name), (typo, "钱八"))
        Stay.write([stay], {'person_name': "钱七",
                'id_number': make_ric('19600101', '191')})
        self.assertEqual(stay.person, known)
        self.assertEqual(stay.birth_date, dt.date(1960, 1, 1))
        # a person with another stay is not renamed from this one
        with self.assertRaisesRegex(UserError, '钱七'):
            with savepoint():
                Stay.write([stay], {'person_name': "孙九"})

    @with_transaction()
    def test_on_change_finds_person(self):
        "Typing a known number shows the person and the identity facts"
        Stay = Pool().get('quarantine.stay')
        person = create_person("周十", '20100202', '201')
        stay = Stay(id_type='cn_ric', person_name=None,
            id_number=make_ric('20100202', '201').lower(),
            arrival_date=TODAY, person=None, identity_number=None,
            birth_date=None, sex=None)
        stay.on_change_id_number()
        self.assertEqual((stay.person, stay.person_name, stay.birth_date,
                stay.sex, stay.age),
            (person, "周十", dt.date(2010, 2, 2), 'male', 12))

    @with_transaction()
    def test_arrival_import_name_mismatch(self):
        "The arrival import finds persons the same way: a wrong name fails"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Regime = pool.get('quarantine.regime')
        from trytond.modules.quarantine.arrival_import import Arrival
        regime, = Regime.search([('code', '=', 'centralized_14')])
        create_person("吴一", '19750101', '211')
        arrival = Arrival(name="吴二", identity_number=make_ric(
                '19750101', '211'), phone=None, category='close_contact',
            exposure_date=None, origin=None, group=None, community=None,
            companion_of=None, notes=None, row=2)
        with self.assertRaisesRegex(UserError, '吴一.*吴二'):
            with savepoint():
                Stay.import_arrivals([arrival], regime, TODAY)
        stays = Stay.import_arrivals(
            [arrival._replace(name="吴一")], regime, TODAY)
        self.assertEqual(stays[0].person.name, "吴一")
