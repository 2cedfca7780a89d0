"""The province generator (tests/bench/province.py) makes records the ORM
reads and validates as its own.

A small province (2 cities, 12 sites, 600 stays) is written by COPY into
the test database, then read through trytond: every bulk-written record
passes the models' own validation (required fields, selections, domains,
constraints), the site list's figures match what the generator put in,
the daily roster and the release certificates print, and a generated
resident can be released through the normal workflow.

PostgreSQL only (COPY): the PostgreSQL pass of scripts/test.sh.
"""
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

import pytest

import rpc_harness

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, db_exist, drop_db
from trytond.transaction import Transaction

sys.path.insert(0, str(Path(__file__).parent / 'bench'))

from province import Shape, fill  # noqa: E402

pytestmark = [pytest.mark.long, pytest.mark.postgresql_only]

SHAPE = Shape(cities=2, districts=2, sites_per_district=3, big_sites=2,
    big_rooms=40, small_rooms=10, stays=600)
VALIDATED = ['quarantine.area', 'quarantine.site', 'quarantine.room',
    'quarantine.staff', 'quarantine.stay', 'quarantine.sample',
    'quarantine.monitoring', 'party.party', 'party.identifier',
    'stock.location']


@pytest.fixture(scope='module')
def province():
    """The province in a copy of the long tests' shared database of all
    the modules in zh_CN (rpc_harness), under trytond's test DB_NAME"""
    if db_exist(DB_NAME):
        drop_db()
    with rpc_harness.fresh_database(rpc_harness.ALL_MODULES, 'zh_CN',
            name=DB_NAME):
        try:
            yield fill(DB_NAME, SHAPE)
        finally:
            drop_db()


def transaction(**kwargs):
    return Transaction().start(DB_NAME, 1, context={'language': 'zh_CN'},
        **kwargs)


def test_counts(province):
    "The generator made the province of its shape"
    pool = Pool(DB_NAME)
    with transaction():
        Site = pool.get('quarantine.site')
        Stay = pool.get('quarantine.stay')
        Area = pool.get('quarantine.area')
        assert Site.search_count([]) == SHAPE.site_count == 12
        assert Area.search_count([]) == 1 + 2 * (1 + 2)
        assert Stay.search_count([]) == SHAPE.stays
        province_area, = Area.search([('parent', '=', None)])
        # the tree is walked by the ORM's child_of
        assert Site.search_count(
            [('area', 'child_of', [province_area.id], 'parent')]) == 12
        assert province.plans == 2
        # each site has its warehouse (validated with the locations' tree)
        assert Site.search_count([('warehouse', '=', None)]) == 0


def test_records_validate(province):
    "Every generated record passes its model's own validation"
    pool = Pool(DB_NAME)
    with transaction():
        for name in VALIDATED:
            Model = pool.get(name)
            records = Model.search([])
            assert records, name
            # required, selections, domains, sizes, digits and the
            # models' validate() methods, as after an ORM write
            Model._validate(records)
            # every field, the function fields included, reads
            Model.read([r.id for r in records[:50]],
                [f for f, d in Model._fields.items()
                    if d._type not in {'binary'}])


def test_site_figures(province):
    "The site list shows the rooms and residents the generator wrote"
    pool = Pool(DB_NAME)
    with transaction():
        Site = pool.get('quarantine.site')
        rooms = {site: len(ids) for site, ids in province.site_rooms.items()}
        occupied = Counter(site for site, *_ in province.site_list
            for room in province.site_rooms[site]
            if room in set(province.occupied))
        for site in Site.search([]):
            assert site.room_count == rooms[site.id]
            assert site.occupied_count == occupied[site.id]
            assert site.resident_count == occupied[site.id]
            if site.state == 'active' and site.room_count == 40:
                # 95 % full
                assert site.occupancy >= 0.9
                assert site.expansion_alert


def test_flag_searches(province):
    """Searching the sites by a flag (a query) finds the sites whose
    computed flag (get_figures) is set, and only them"""
    pool = Pool(DB_NAME)
    with transaction():
        Site = pool.get('quarantine.site')
        sites = Site.search([])
        for name in ['expansion_alert', 'staff_short', 'drill_lagging']:
            flagged = {s for s in sites if getattr(s, name)}
            assert set(Site.search([(name, '=', True)])) == flagged, name
            assert set(Site.search([(name, '=', False)])) == (
                set(sites) - flagged), name
            if name != 'drill_lagging':
                # the province has sites on both sides
                assert flagged and set(sites) - flagged, name


def test_area_figures(province):
    """Each district's and city's occupancy, alert and rooms to add (three
    queries for all the areas) are the sums of their active sites' figures;
    the alert's search finds the areas flagged: at 75 % (none in this small
    province) and at 50 % (the districts of the big sites, 95 % full)"""
    pool = Pool(DB_NAME)
    # not committed: the alert rate of 50 % is rolled back
    with transaction(_lock_tables=['quarantine_configuration']) as current:
        Area = pool.get('quarantine.area')
        Site = pool.get('quarantine.site')
        Configuration = pool.get('quarantine.configuration')
        sites = Site.search([('state', '=', 'active')])
        for rate in [Configuration(1).expansion_alert, 0.5]:
            Configuration.write([Configuration(1)], {'expansion_alert': rate})
            for cache in current.cache.values():
                cache.clear()
            areas = Area.search([])
            for area in areas:
                inside = {a.id for a in Area.search(
                        [('parent', 'child_of', [area.id])])}
                mine = [s for s in sites if s.area and s.area.id in inside]
                in_service = sum(
                    s.room_count - s.out_of_service_count for s in mine)
                occupied = sum(s.occupied_count for s in mine)
                assert area.rooms_in_service == in_service, area.rec_name
                assert area.occupied_rooms == occupied, area.rec_name
                alert = bool(in_service) and occupied / in_service >= rate
                assert area.expansion_alert == alert, area.rec_name
                if alert:
                    total = in_service + area.rooms_to_add
                    assert occupied / total < rate <= occupied / (total - 1)
            flagged = {a for a in areas if a.expansion_alert}
            assert set(Area.search([('expansion_alert', '=', True)])) == (
                flagged)
        assert flagged and flagged != set(areas)


def test_documents_and_release(province):
    """The roster and certificates print from generated data, and a
    generated resident whose period ends today is released normally"""
    pool = Pool(DB_NAME)
    # the first certificate makes the key of the verification codes
    with transaction(_lock_tables=['quarantine_configuration']):
        Site = pool.get('quarantine.site')
        Stay = pool.get('quarantine.stay')
        Sample = pool.get('quarantine.sample')
        Roster = pool.get('quarantine.site.sampling_roster', type='report')
        Certificate = pool.get(
            'quarantine.stay.release_certificate', type='report')
        Date = pool.get('ir.date')
        today = Date.today()
        big = Site(province.site_list[0][0])
        pending = Sample.search_count([('site', '=', big.id),
                ('planned_date', '=', today), ('result', '=', 'pending')])
        roster = Roster.roster(big, today)
        assert sum(len(g['rows']) for g in roster['groups'][:-1]) == pending
        released = Stay.search([('state', '=', 'released')], limit=5)
        assert released
        _, content, _, _ = Certificate.execute(
            [s.id for s in released], {})
        assert content.startswith(b'%PDF')

        stay, = Stay.search([('state', '=', 'admitted'),
                ('end_date', '=', today)], limit=1, order=[('id', 'ASC')])
        # today's exit specimens come back negative from two institutions
        exits = [s for s in stay.samples if s.result == 'pending']
        assert len(exits) == 2 and all(s.exit_sample for s in exits)
        for sample, lab, reagent in zip(exits, province.labs, ['A', 'B']):
            Sample.write([sample], {'result': 'negative',
                    'institution': lab, 'reagent': reagent,
                    'collected_at': dt.datetime.now().replace(
                        microsecond=0)})
        assert not Stay.release_problems([stay])
        Stay.release([stay])
        assert stay.state == 'released'
        assert stay.certificate_number
        assert stay.room.state == 'cleaning'
        Transaction().rollback()
