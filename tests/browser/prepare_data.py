"""Prepare, through proteus, what the browser journeys of
tests/test_browser.py need, and write it down as JSON.

Run by the test's fixture after the modules were activated and the demo
city loaded:

    python -O tests/browser/prepare_data.py DATABASE CONFIG OUTPUT_DIR

It takes the demo city's company (or creates one), creates one user per
role (zh_CN, their sites, a random password each), and:

* an active site with a resident whose 14 days end today, every earlier
  test negative, the first exit specimen taken by one laboratory and the
  second still to record, plus a resident due for his day-4 test today
  (the dashboards' laboratory and the sites of their users);
* dashboards: a site with a positive and a negative result of yesterday
  (residents admitted) and an arrival due tomorrow.

The four role journeys need nothing here: they log in as the demo's
`dc01`, `doctor`, `transfer` and `logistics` on the demo's records; the
users of those roles made here are the dashboards' (test_board).

Prints nothing but errors; OUTPUT_DIR/data.json holds the names and
passwords the journeys use.
"""
import datetime as dt
import json
import os
import secrets
import sys
from decimal import Decimal

from proteus import Model, Wizard, config as pconfig
from stdnum.cn import ric

from trytond.modules.company.tests.tools import create_company

TODAY = dt.date.today()
NOW = dt.datetime.now()


def days(n):
    return dt.timedelta(days=n)


def identity(birth_date, sequence):
    "A valid resident identity number (Beijing Chaoyang district)"
    body = '110105' + birth_date.strftime('%Y%m%d') + sequence
    return body + ric.calc_check_digit(body + '0')


def xml_id(module, fs_id):
    ModelData = Model.get('ir.model.data')
    return ModelData.get_id(module, fs_id, {})


def password():
    # res.user refuses short or low-entropy passwords
    return 'Bt-' + secrets.token_urlsafe(15)


def make_company(config):
    "The company of the demo city if it has one, else a new one"
    Company = Model.get('company.company')
    User = Model.get('res.user')
    companies = Company.find([], order=[('id', 'ASC')], limit=1)
    if companies:
        company, = companies
        admin, = User.find([('login', '=', 'admin')])
        if admin.company != company:
            if company not in admin.companies:
                admin.companies.append(Company(company.id))
            admin.company = company
            admin.save()
        config._context = User.get_preferences(True, {})
        return company
    Currency = Model.get('currency.currency')
    Party = Model.get('party.party')
    currencies = Currency.find([('code', '=', 'CNY')])
    if currencies:
        cny, = currencies
    else:
        cny = Currency(name="人民币", code='CNY', symbol='¥',
            rounding=Decimal('0.01'))
        cny.save()
    party = Party(name="示范市疫情防控指挥部")
    party.save()
    create_company(party=party, currency=cny, config=config)
    company, = Company.find([('party', '=', party.id)])
    return company


def make_user(login, name, groups, sites, company, lang):
    User = Model.get('res.user')
    Group = Model.get('res.group')
    Site = Model.get('quarantine.site')
    secret = password()
    user = User(login=login, name=name, password=secret, language=lang)
    for module, fs_id in groups:
        user.groups.append(Group(xml_id(module, fs_id)))
    for site in sites:
        user.quarantine_sites.append(Site(site.id))
    user.companies.append(company)
    user.company = company
    user.save()
    return {'login': login, 'password': secret, 'name': name}


def make_site(name, code, rooms, **values):
    "An active site with `rooms` rooms on floor 1"
    Site = Model.get('quarantine.site')
    Room = Model.get('quarantine.room')
    site = Site(name=name, code=code, **values)
    site.save()
    for number in range(1, rooms + 1):
        Room(site=site, name=f'{code}-{100 + number}', floor='1',
            sequence=number).save()
    site.click('activate')  # fewer rooms than the minimum: warning skipped
    site.reload()
    return site


def make_person(name, number, phone=None):
    Party = Model.get('party.party')
    person = Party(name=name)
    identifier = person.identifiers.new()
    identifier.type = 'cn_ric'
    identifier.code = number
    if phone:
        mechanism = person.contact_mechanisms.new()
        mechanism.type = 'mobile'
        mechanism.value = phone
    person.save()
    return person


def admit(site, person, exposure, arrival, category='close_contact'):
    Stay = Model.get('quarantine.stay')
    Room = Model.get('quarantine.room')
    Regime = Model.get('quarantine.regime')
    regime, = Regime.find([('code', '=', 'centralized_14')])
    room = Room.find([('site', '=', site.id), ('state', '=', 'available')],
        order=[('name', 'ASC')], limit=1)[0]
    stay = Stay(person=person, regime=regime, site=site, room=room,
        category=category, exposure_date=exposure, arrival_date=arrival)
    stay.save()
    stay.click('admit')
    stay.reload()
    return stay


def record(samples, institution, reagent, collected_at, result='negative'):
    wizard = Wizard('quarantine.sample.record', samples)
    wizard.form.result = result
    wizard.form.institution = institution
    wizard.form.reagent = reagent
    wizard.form.collected_at = collected_at
    wizard.execute('record')


def medical_data():
    Party = Model.get('party.party')
    Sample = Model.get('quarantine.sample')
    site = make_site("医学观察验收点", 'BTM1', 4)
    lab_a = Party(name="示范市疾病预防控制中心")
    lab_a.save()
    lab_b = Party(name="金域医学检验所")
    lab_b.save()
    # Exposed 13 days ago: day 14, the exit day, is today.
    leaving = admit(site, make_person(
            "慕容秋实", identity(dt.date(1975, 2, 14), '017')),
        exposure=TODAY - days(13), arrival=TODAY - days(12))
    assert leaving.end_date == TODAY, leaving.end_date
    # Exposed 3 days ago: his day-4 test is today.
    staying = admit(site, make_person(
            "东方明哲", identity(dt.date(1983, 9, 3), '019')),
        exposure=TODAY - days(3), arrival=TODAY - days(2))
    earlier = Sample.find([
            ('stay', 'in', [leaving.id, staying.id]),
            ('planned_date', '<', TODAY),
            ])
    record(earlier, lab_a, "圣湘", NOW - days(1))
    exits = Sample.find([('stay', '=', leaving.id), ('exit_sample', '=', True)],
        order=[('id', 'ASC')])
    assert len(exits) == 2, exits
    # This morning's first exit specimen, by the county's laboratory.
    record(exits[:1], lab_a, "圣湘", NOW - dt.timedelta(minutes=30))
    roster = Sample.find([
            ('stay.site', '=', site.id),
            ('planned_date', '=', TODAY),
            ('result', '=', 'pending'),
            ])
    return site, {
        'site_name': site.name,
        'resident': leaving.person.name,
        'other_resident': staying.person.name,
        'roster_count': len(roster),
        'institution': lab_b.name,
        'reagent': "达安",
        }


def board_data():
    """What the dashboards' filters must tell apart, on a site of its own:
    a resident whose first test came back positive yesterday and one whose
    came back negative (both admitted), an arrival due tomorrow"""
    Party = Model.get('party.party')
    Sample = Model.get('quarantine.sample')
    Stay = Model.get('quarantine.stay')
    Regime = Model.get('quarantine.regime')
    site = make_site("工作台验收点", 'BTB1', 4)
    lab, = Party.find([('name', '=', "示范市疾病预防控制中心")], limit=1)
    residents = {}
    for key, name, number, result in [
            ('positive', "司徒晓光", identity(dt.date(1986, 8, 12), '051'),
                'positive'),
            ('negative', "夏侯文静", identity(dt.date(1990, 3, 3), '062'),
                'negative'),
            ]:
        stay = admit(site, make_person(name, number),
            exposure=TODAY - days(5), arrival=TODAY - days(4))
        first = Sample.find([('stay', '=', stay.id)],
            order=[('planned_date', 'ASC'), ('id', 'ASC')], limit=1)
        assert first and first[0].planned_date < TODAY, first
        record(first, lab, "圣湘", NOW - days(1), result=result)
        residents[key] = name
    # An arrival is entered at most a day ahead.
    regime, = Regime.find([('code', '=', 'centralized_14')])
    name = "濮阳子涵"
    Stay(person=make_person(name, identity(dt.date(1972, 10, 2), '073')),
        regime=regime, site=site, category='close_contact',
        exposure_date=TODAY - days(1), arrival_date=TODAY + days(1)).save()
    residents['arrival_tomorrow'] = name
    return dict(residents, site_name=site.name)


def main():
    database, config_file, out_dir = sys.argv[1:4]
    # proteus picks its backend from TRYTOND_DATABASE_URI
    config = pconfig.set_trytond(database, config_file=config_file)
    config.skip_warning = True
    Lang = Model.get('ir.lang')
    zh_cn, = Lang.find([('code', '=', 'zh_CN')])
    company = make_company(config)

    data = {'today': TODAY.isoformat()}
    data['site_manager'] = {}
    medical_site, data['medical'] = medical_data()
    data['board'] = board_data()
    # The transfer and logistics journeys work as the demo's logins on the
    # demo's records; these users are test_board's.
    data['transfer'] = {}
    data['logistics'] = {}
    users = {
        'site_manager': make_user('bt_site_manager', "点长 张伟",
            [('quarantine', 'group_site_manager')], [], company, zh_cn),
        'medical': make_user('bt_medical', "医生 刘洋",
            [('quarantine', 'group_medical')], [medical_site], company,
            zh_cn),
        'transfer': make_user('bt_transfer', "转运组 赵强",
            [('quarantine_transfer', 'group_transfer')], [medical_site],
            company, zh_cn),
        'logistics': make_user('bt_logistics', "后勤 孙丽",
            [('quarantine', 'group_logistics'),
                ('stock', 'group_stock'),
                ('purchase', 'group_purchase')],
            [medical_site], company, zh_cn),
        }
    for role, user in users.items():
        data[role]['user'] = user
    with open(os.path.join(out_dir, 'data.json'), 'w',
            encoding='utf-8') as f:
        json.dump(data, f, ensure_ascii=False, indent=2)


if __name__ == '__main__':
    main()
