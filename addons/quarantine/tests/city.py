# This file is part of the quarantine module.  See README.md for licensing.
"""A small city to log in to as each role: two active sites A and B with
residents, a resident waiting for a room in B, and one user per role
(`CityTestCase`, JSON-RPC clients from .rpc)"""
import datetime as dt

from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase

from .rpc import PASSWORD, AppClient, RPCError
from .tools import create_person, create_site, make_ric


# The roles of the README's roles table, as users of the small city: login,
# group XML ids (module.id), sites (by key) and areas
ROLES = {
    'city_admin': (['quarantine.group_admin'], [], False),
    'district_admin': (['quarantine.group_admin'], [], True),
    'manager_a': (['quarantine.group_site_manager'], ['a'], False),
    'clerk_a': (['quarantine.group_clerk'], ['a'], False),
    'medical_a': (['quarantine.group_medical'], ['a'], False),
    'logistics': (['quarantine.group_logistics'], [], False),
    'transfer': (['quarantine_transfer.group_transfer'], [], False),
    'nogroup': ([], [], False),
    }


def create_city(today=None):
    """Two active sites A (in a district) and B with three rooms each, an
    admitted resident in each, a resident waiting for a room of B, and a user
    of each role of ROLES whose groups exist; return a dict of the ids"""
    pool = Pool()
    Area = pool.get('quarantine.area')
    Site = pool.get('quarantine.site')
    Stay = pool.get('quarantine.stay')
    Regime = pool.get('quarantine.regime')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    today = today or dt.date.today()
    district, = Area.create([{
                'name': "东城区", 'code': 'DC', 'population': 100000}])
    site_a = create_site('A', "隔离点A", rooms=3, area=district.id)
    site_b = create_site('B', "隔离点B", rooms=3)
    Site.write([site_a, site_b], {'state': 'active'})
    regime, = Regime.search([('code', '=', 'centralized_14')])
    stays = {}
    for key, site, sequence in [('a', site_a, '101'), ('b', site_b, '102'),
            ('b_waiting', site_b, '103')]:
        person = create_person(f"居民{key.upper()}", sequence=sequence)
        stay, = Stay.create([{
                    'person': person.id, 'regime': regime.id,
                    'site': site.id,
                    'room': site.rooms[0].id if key != 'b_waiting' else None,
                    'arrival_date': today,
                    'exposure_date': today - dt.timedelta(days=2),
                    }])
        stays[key] = stay
    Stay.admit([stays['a'], stays['b']])
    city = {
        'district': district.id,
        'sites': {'a': site_a.id, 'b': site_b.id},
        'stays': {k: s.id for k, s in stays.items()},
        'persons': {k: s.person.id for k, s in stays.items()},
        'numbers': {k: make_ric('19800101', seq) for k, seq in [
                ('a', '101'), ('b', '102'), ('b_waiting', '103')]},
        'samples': {k: [x.id for x in Stay(s.id).samples]
            for k, s in stays.items()},
        'users': {},
        }
    for login, (groups, sites, areas) in ROLES.items():
        group_ids = []
        for xml_id in groups:
            module, fs_id = xml_id.split('.')
            try:
                group_ids.append(ModelData.get_id(module, fs_id))
            except KeyError:
                break
        else:
            user, = User.create([{
                        'login': login, 'name': login,
                        'password': PASSWORD,
                        'groups': [('add', group_ids)],
                        'quarantine_sites': [
                            ('add', [city['sites'][s] for s in sites])],
                        'quarantine_areas': [
                            ('add', [district.id] if areas else [])],
                        }])
            city['users'][login] = user.id
    return city


class CityTestCase(RouteTestCase):
    """A database of `module` with the small city of create_city, and a
    JSON-RPC client of each role (`self.login(role)`)"""
    module = 'quarantine'

    @classmethod
    def setUpDatabase(cls):
        cls.city = create_city()

    def login(self, login):
        client = AppClient(self.db_name)
        client.login(login)
        return client

    def assertRefused(self, call, *args, **kwargs):
        """`call(*args, **kwargs)` is refused with a clean error a user
        reads (a UserError: AccessError is one); return it"""
        with self.assertRaises(RPCError) as cm:
            call(*args, **kwargs)
        self.assertTrue(cm.exception.clean, str(cm.exception))
        return cm.exception
