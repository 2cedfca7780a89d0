# This file is part of the quarantine_supply module.  See README.md.
"""Who reads and changes which supply records, over JSON-RPC as the web
client talks: a site manager the dispatches, allocation requests and plans
of their sites, logistics officers every one"""
import datetime as dt
import unittest

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.quarantine.tests.city import CityTestCase
from trytond.pool import Pool

from .test_allocation import medical_supply, request
from .test_supply import driver_with_test, plan, truck, warehouse_dispatch


class SupplyAccessTestCase(CityTestCase):
    "Supplies of the small city's sites A and B, logged in as each role"
    module = 'quarantine_supply'

    @classmethod
    def setUpDatabase(cls):
        super().setUpDatabase()
        pool = Pool()
        Site = pool.get('quarantine.site')
        User = pool.get('res.user')
        Dispatch = pool.get('quarantine.supply.dispatch')
        city = cls.city
        company = create_company()
        User.write(User.browse(list(city['users'].values())), {
                'companies': [('add', [company.id])],
                'company': company.id,
                })
        with set_company(company):
            dispatches = {}
            for number, key in enumerate(['a', 'b'], 1):
                dispatch, _, _ = warehouse_dispatch(
                    [Site(city['sites'][key])])
                Dispatch.write([dispatch], {
                        'vehicle': truck(dispatch.supplier, number).id,
                        'driver': driver_with_test(f"司机{key}").id,
                        })
                Dispatch.load([dispatch])
                Dispatch.depart([dispatch])
                dispatches[key] = dispatch
            masks = medical_supply()
            city['dispatches'] = {k: d.id for k, d in dispatches.items()}
            city['dispatch_lines'] = {
                k: d.lines[0].id for k, d in dispatches.items()}
            city['allocations'] = {
                k: request(Site(city['sites'][k]), [(masks, 10)]).id
                for k in ['a', 'b']}
            city['plans'] = {
                k: plan(Site(city['sites'][k]), population=20).id
                for k in ['a', 'b']}

    def test_site_manager_reads_own_dispatches(self):
        "A site manager reads the dispatches to their site only"
        city = self.city
        client = self.login('manager_a')
        self.assertEqual(client.model('quarantine.supply.dispatch', 'search',
                [('id', 'in', list(city['dispatches'].values()))]),
            [city['dispatches']['a']])
        self.assertRefused(client.model, 'quarantine.supply.dispatch',
            'read', [city['dispatches']['b']], ['number'])
        self.assertEqual(client.model('quarantine.supply.dispatch.line',
                'search',
                [('id', 'in', list(city['dispatch_lines'].values()))]),
            [city['dispatch_lines']['a']])
        self.assertRefused(client.model, 'quarantine.supply.dispatch',
            'read', [city['dispatches']['b']], ['number'])

    def test_site_manager_confirms_own_delivery_only(self):
        "A site manager confirms the delivery to A, not the one to B"
        city = self.city
        client = self.login('manager_a')
        self.assertRefused(client.model,
            'quarantine.supply.dispatch.line', 'write',
            [city['dispatch_lines']['b']], {'received_quantity': 1})
        self.assertRefused(client.model, 'quarantine.supply.dispatch',
            'deliver', [city['dispatches']['b']])
        self.assertRefused(client.report, 'quarantine.supply.dispatch.note',
            'quarantine.supply.dispatch', [city['dispatches']['b']])
        client.model('quarantine.supply.dispatch.line', 'write',
            [city['dispatch_lines']['a']], {'received_quantity': 48})
        client.model('quarantine.supply.dispatch', 'deliver',
            [city['dispatches']['a']])
        dispatch, = client.model('quarantine.supply.dispatch', 'read',
            [city['dispatches']['a']], ['state', 'shortage'])
        self.assertEqual((dispatch['state'], dispatch['shortage']),
            ('delivered', True))
        kind, content, _, _ = client.report(
            'quarantine.supply.dispatch.note', 'quarantine.supply.dispatch',
            [city['dispatches']['a']])
        self.assertEqual(kind, 'pdf')
        # B's is untouched
        logistics = self.login('logistics')
        dispatch, = logistics.model('quarantine.supply.dispatch', 'read',
            [city['dispatches']['b']], ['state'])
        self.assertEqual(dispatch['state'], 'in_transit')

    def test_site_manager_allocation_requests(self):
        "A site manager submits A's allocation request, not B's"
        city = self.city
        client = self.login('manager_a')
        self.assertEqual(client.model('quarantine.supply.allocation',
                'search',
                [('id', 'in', list(city['allocations'].values()))]),
            [city['allocations']['a']])
        allocation_b = city['allocations']['b']
        self.assertRefused(client.model, 'quarantine.supply.allocation',
            'read', [allocation_b], ['number'])
        self.assertRefused(client.model, 'quarantine.supply.allocation',
            'submit', [allocation_b])
        self.assertRefused(client.model, 'quarantine.supply.allocation',
            'write', [allocation_b], {'to_site': city['sites']['a']})
        self.assertRefused(client.report,
            'quarantine.supply.allocation.form',
            'quarantine.supply.allocation', [allocation_b])
        # a request for B is refused at its creation
        masks, = client.model('product.product', 'search',
            [('name', '=', "N95口罩")])
        unit, = client.model('product.product', 'read', [masks],
            ['default_uom'])
        self.assertRefused(client.model, 'quarantine.supply.allocation',
            'create', [{
                    'applicant': "隔离点A", 'reason': "防护用品不足",
                    'to_site': city['sites']['b'],
                    'lines': [('create', [{'product': masks, 'quantity': 5,
                                    'unit': unit['default_uom']}])],
                    }])
        client.model('quarantine.supply.allocation', 'submit',
            [city['allocations']['a']])
        allocation, = client.model('quarantine.supply.allocation', 'read',
            [city['allocations']['a']], ['state'])
        self.assertEqual(allocation['state'], 'submitted')
        logistics = self.login('logistics')
        allocation, = logistics.model('quarantine.supply.allocation', 'read',
            [allocation_b], ['state'])
        self.assertEqual(allocation['state'], 'draft')

    def test_delete_of_b_refused_without_its_name(self):
        "Deleting B's records is refused before their state is looked at"
        city = self.city
        logistics = self.login('logistics')
        for login in ['manager_a', 'district_admin']:
            client = self.login(login)
            for model, key in [
                    ('quarantine.supply.dispatch', 'dispatches'),
                    ('quarantine.supply.allocation', 'allocations'),
                    ('quarantine.supply.plan', 'plans')]:
                with self.subTest(login=login, model=model):
                    number, = logistics.model(model, 'read',
                        [city[key]['b']], ['number'])
                    error = self.assertRefused(client.model, model,
                        'delete', [city[key]['b']])
                    self.assertNotIn(number['number'], error.message)
                    self.assertIn("not allowed to", error.message)
                    self.assertEqual(logistics.model(model, 'search',
                            [('id', '=', city[key]['b'])]),
                        [city[key]['b']])

    def test_site_manager_reads_own_plans(self):
        "A site manager reads the stocking plans of their site only"
        city = self.city
        client = self.login('manager_a')
        self.assertEqual(client.model('quarantine.supply.plan', 'search',
                [('id', 'in', list(city['plans'].values()))]),
            [city['plans']['a']])
        self.assertRefused(client.report, 'quarantine.supply.plan.sheet',
            'quarantine.supply.plan', [city['plans']['b']])

    def test_district_admin_reads_area_records(self):
        "An administrator with areas reads the records of their sites"
        city = self.city
        client = self.login('district_admin')
        for model, key in [
                ('quarantine.supply.dispatch', 'dispatches'),
                ('quarantine.supply.allocation', 'allocations'),
                ('quarantine.supply.plan', 'plans')]:
            with self.subTest(model=model):
                self.assertEqual(client.model(model, 'search',
                        [('id', 'in', list(city[key].values()))]),
                    [city[key]['a']])
        # a plan of their district, not one of B
        values = {'date': dt.date.today(), 'reserve_days': 15}
        plan_id, = client.model('quarantine.supply.plan', 'create', [
                dict(values, scope='area', area=city['district'])])
        self.assertEqual(client.model('quarantine.supply.plan', 'search',
                [('id', '=', plan_id)]), [plan_id])
        self.assertRefused(client.model, 'quarantine.supply.plan', 'create',
            [dict(values, scope='site', site=city['sites']['b'])])

    def test_logistics_and_city_admin_read_all(self):
        "Logistics officers and the city's administrator read every site's"
        city = self.city
        for login in ['logistics', 'city_admin']:
            client = self.login(login)
            for model, key in [
                    ('quarantine.supply.dispatch', 'dispatches'),
                    ('quarantine.supply.dispatch.line', 'dispatch_lines'),
                    ('quarantine.supply.allocation', 'allocations'),
                    ('quarantine.supply.plan', 'plans')]:
                with self.subTest(login=login, model=model):
                    self.assertEqual(sorted(client.model(model, 'search',
                                [('id', 'in', list(city[key].values()))])),
                        sorted(city[key].values()))

    def test_other_roles_read_none(self):
        "Medical staff, clerks and users in no group read no dispatch"
        city = self.city
        for login in ['medical_a', 'clerk_a', 'nogroup']:
            with self.subTest(login=login):
                client = self.login(login)
                self.assertRefused(client.model,
                    'quarantine.supply.dispatch', 'read',
                    [city['dispatches']['a']], ['number'])


del CityTestCase

if __name__ == '__main__':
    unittest.main()
