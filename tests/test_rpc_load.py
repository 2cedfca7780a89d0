"""8 site managers assign rooms at once over JSON-RPC (issue 9).

A real trytond (python -O, PostgreSQL) serves a fresh database with one
active site of ROOMS rooms and CLIENTS x ATTEMPTS persons, more than the
rooms.  It runs as SERVERS processes on the same database, as a deployment
on several cores would (one trytond process is threaded but bound to one
core by the GIL: on 2 cores, two processes make 12 assignments/s where one
makes 8); the clients are spread over them, so that transactions also race
between processes.  CLIENTS separate processes each log in as a site
manager of the site (group quarantine.group_site_manager, linked by res.user
quarantine_sites) and make ATTEMPTS assignments, all started together: read
CANDIDATES available rooms of the site, pick one at random (so that clients
collide), create a draft stay of one of its own persons in that room, admit
it.  Once the site is full the room is picked among all the site's rooms:
the admission must be refused.

Every attempt must end in a success or a clean refusal (a UserError with a
message); anything else (a server exception, an HTTP error) fails the test.
Then the database must agree with the clients: no room holds two admitted
stays, the admitted stays are the successes and the occupied rooms, refused
stays stayed draft and have no sample planned, and every attempt is
accounted for.

Marked `long` (scripts/test_long.sh, `make test-long`); needs PostgreSQL.
"""
import datetime as dt
import http.client
import os
import random
import re
import secrets
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import rpc_harness
from rpc_harness import RPCError
from sheets import identity

pytestmark = [pytest.mark.long, pytest.mark.postgresql_only]

CLIENTS = 8
ATTEMPTS = 500  # per client
ROOMS = 3000  # fewer than CLIENTS * ATTEMPTS: the site runs full
# trytond processes serving the database (RPC_LOAD_SERVERS to change it)
SERVERS = int(os.environ.get('RPC_LOAD_SERVERS', 2))
CANDIDATES = 100  # available rooms read before each pick
ROOMS_PER_FLOOR = 50
WORKER_TIMEOUT = 1800  # seconds for a client to finish its attempts
THIS = Path(__file__).resolve()


def setup_site(pool, rooms, persons, managers, password):
    """(ORM, as root) An active site of `rooms` rooms, `persons` residents
    and `managers` site managers of the site"""
    from trytond.modules.quarantine.registry import create_residents
    Site = pool.get('quarantine.site')
    Room = pool.get('quarantine.room')
    Regime = pool.get('quarantine.regime')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    site, = Site.create([{'name': "Load Test Site", 'code': 'LOAD',
                'expert_evaluated_on': dt.date.today(),
                'layout_compliant': True}])
    Room.create([{
                'site': site.id,
                'floor': str(i // ROOMS_PER_FLOOR + 1),
                'sequence': i % ROOMS_PER_FLOOR + 1,
                'name': f'{i // ROOMS_PER_FLOOR + 1}-'
                f'{i % ROOMS_PER_FLOOR + 1:02d}',
                } for i in range(rooms)])
    Site.activate([site])
    regime, = Regime.search([('code', '=', 'centralized_14')])
    person_ids = create_residents([(f"Resident {i}", identity(i))
            for i in range(persons)])
    group = ModelData.get_id('quarantine', 'group_site_manager')
    users = User.create([{
                'name': f"Site Manager {i}",
                'login': f'manager{i}',
                'password': password,
                'groups': [('add', [group])],
                'quarantine_sites': [('add', [site.id])],
                } for i in range(managers)])
    return {
        'site': site.id,
        'regime': regime.id,
        'persons': person_ids,
        'logins': [u.login for u in users],
        }


def normalized(message):
    "A refusal's message with its names and numbers replaced by N"
    return re.sub(r'\d+', 'N', message)


def assign_rooms(base_url, database, login, password, site, regime, persons,
        room_total, seed):
    """(client process) Log in, wait for GO, then one assignment per person:
    return the successes, refusals and unclean errors"""
    client = rpc_harness.Client(base_url, database)
    client.login(login, password)
    print('READY', flush=True)
    sys.stdin.readline()
    rng = random.Random(seed)
    today = dt.date.today()
    admitted, refused, refusals, errors = [], [], Counter(), []
    create_refusals = calls = 0
    start = time.monotonic()
    for person in persons:
        full = False
        try:
            calls += 1
            rooms = client.model('quarantine.room', 'search', [
                    ('site', '=', site), ('state', '=', 'available'),
                    ], 0, CANDIDATES, None)
            if not rooms:
                # The site is full: any room of it, to be refused
                full = True
                calls += 1
                rooms = client.model('quarantine.room', 'search',
                    [('site', '=', site)],
                    rng.randrange(room_total - CANDIDATES + 1), CANDIDATES,
                    None)
            room = rng.choice(rooms)
        except (RPCError, OSError, http.client.HTTPException) as exception:
            errors.append(f'search: {exception!r}')
            continue
        stay = None
        try:
            calls += 1
            stay, = client.model('quarantine.stay', 'create', [{
                        'person': person,
                        'site': site,
                        'room': room,
                        'category': 'close_contact',
                        'regime': regime,
                        'arrival_date': today,
                        'exposure_date': today - dt.timedelta(days=1),
                        }])
            calls += 1
            client.model('quarantine.stay', 'admit', [stay])
        except RPCError as exception:
            if not exception.clean:
                errors.append(f'{"admit" if stay else "create"} '
                    f'(person {person}, room {room}): {exception}')
                continue
            if stay is None:
                create_refusals += 1
            else:
                refused.append(stay)
            key = ('site full: ' if full else '') + normalized(
                exception.message)
            refusals[key] += 1
            continue
        except (OSError, http.client.HTTPException) as exception:
            errors.append(f'connection (person {person}): {exception!r}')
            continue
        admitted.append(stay)
    return {
        'login': login,
        'successes': len(admitted),
        'admitted': admitted,
        'refused': refused,
        'refusals': dict(refusals),
        'create_refusals': create_refusals,
        'errors': errors,
        'calls': calls,
        'seconds': time.monotonic() - start,
        }


@pytest.fixture(scope='module')
def database():
    with rpc_harness.fresh_database() as database:
        yield database


def test_concurrent_room_assignments(database, tmp_path):
    "8 clients x 500 assignments: clean refusals only, and the counts agree"
    test_start = time.monotonic()
    password = 'Manager-' + secrets.token_urlsafe(12)
    setup = rpc_harness.run_orm(database.name, THIS, 'setup_site',
        rooms=ROOMS, persons=CLIENTS * ATTEMPTS, managers=CLIENTS,
        password=password)
    site, regime = setup['site'], setup['regime']
    persons = setup['persons']
    assert len(persons) == CLIENTS * ATTEMPTS
    assert database.scalar("SELECT count(*) FROM quarantine_room "
        "WHERE site = %s AND state = 'available'", (site,)) == ROOMS

    servers = [rpc_harness.Server(database.name, tmp_path, f'trytond{n}')
        for n in range(SERVERS)]
    workers = []
    try:
        for server in servers:
            server.start()
        workers = [rpc_harness.start_worker(THIS, 'assign_rooms',
                label=f'client{i}', log_dir=tmp_path,
                base_url=servers[i % SERVERS].base_url,
                database=database.name, login=login, password=password,
                site=site, regime=regime,
                persons=persons[i * ATTEMPTS:(i + 1) * ATTEMPTS],
                room_total=ROOMS, seed=i)
            for i, login in enumerate(setup['logins'])]
        for worker in workers:
            worker.wait_line('READY', timeout=300)
        start = time.monotonic()
        for worker in workers:
            worker.send('GO')
        results = [w.result(timeout=WORKER_TIMEOUT) for w in workers]
        seconds = time.monotonic() - start
    except BaseException:
        for server in servers:
            for path, text in server.logs():
                print(f'--- tail of {path.name} ---\n{text[-4000:]}')
        raise
    finally:
        for worker in workers:
            worker.kill()
        for server in servers:
            server.stop()
    server_errors = [line for server in servers for line in server.errors()]

    attempts = CLIENTS * ATTEMPTS
    successes = sum(r['successes'] for r in results)
    refusals = Counter()
    for r in results:
        refusals.update(r['refusals'])
    errors = [e for r in results for e in r['errors']]
    create_refusals = sum(r['create_refusals'] for r in results)
    calls = sum(r['calls'] for r in results)

    print(f"\n=== {CLIENTS} clients x {ATTEMPTS} room assignments, {ROOMS} "
        f"rooms: {seconds:.1f} s, {attempts / seconds:.1f} assignments/s "
        f"({calls} calls, {calls / seconds:.0f} calls/s)")
    for r in results:
        print(f"  {r['login']}: {r['successes']} admitted, "
            f"{sum(r['refusals'].values())} refused, {len(r['errors'])} "
            f"errors in {r['seconds']:.1f} s")
    print(f"  total: {successes} admitted, {sum(refusals.values())} "
        f"refused, {len(errors)} unclean errors")
    for message, count in refusals.most_common():
        print(f"    {count:5d} x {message}")
    print(f"  test duration (setup, server, clients, checks): "
        f"{time.monotonic() - test_start:.1f} s", flush=True)

    assert not errors, f"{len(errors)} unclean errors:\n" + '\n'.join(
        errors[:20])
    assert not server_errors, "errors in the server log:\n" + '\n'.join(
        server_errors[:40])
    assert successes + sum(refusals.values()) == attempts

    # The database agrees with the clients.
    doubles = database.query("SELECT room, count(*) FROM quarantine_stay "
        "WHERE state = 'admitted' AND companion_of IS NULL "
        "GROUP BY room HAVING count(*) > 1")
    assert not doubles, f"rooms with two admitted stays: {doubles[:10]}"
    states = dict(database.query(
        "SELECT state, count(*) FROM quarantine_stay GROUP BY state"))
    rooms = dict(database.query("SELECT state, count(*) FROM quarantine_room "
            "WHERE site = %s GROUP BY state", (site,)))
    print(f"  stays by state: {states}; rooms by state: {rooms}")
    assert states.get('admitted', 0) == successes
    assert rooms.get('occupied', 0) == successes
    assert sum(rooms.values()) == ROOMS
    # Once full, the site must have refused: no room left unused while an
    # attempt was refused for want of one.
    if sum(c for m, c in refusals.items() if m.startswith('site full')):
        assert rooms.get('available', 0) == 0, rooms
    assert sum(states.values()) == attempts - create_refusals
    assert states.get('admitted', 0) + states.get('draft', 0) == sum(
        states.values()), states

    admitted = {i for r in results for i in r['admitted']}
    refused = {i for r in results for i in r['refused']}
    assert len(admitted) == successes
    assert len(refused) + create_refusals == sum(refusals.values())
    by_state = dict(database.query("SELECT state, array_agg(id) "
            "FROM quarantine_stay GROUP BY state"))
    assert set(by_state.get('admitted', [])) == admitted
    assert set(by_state.get('draft', [])) == refused
    # Each occupied room holds exactly one admitted stay of the site.
    mismatched = database.query(
        "SELECT r.id, r.state, count(s.id) FROM quarantine_room r "
        "LEFT JOIN quarantine_stay s ON s.room = r.id "
        "AND s.state = 'admitted' WHERE r.site = %s GROUP BY r.id, r.state "
        "HAVING (r.state = 'occupied') <> (count(s.id) = 1)", (site,))
    assert not mismatched, mismatched[:10]
    # A refused admission left nothing behind: no sample, no admission date.
    assert database.scalar("SELECT count(*) FROM quarantine_sample sa "
        "JOIN quarantine_stay s ON s.id = sa.stay "
        "WHERE s.state <> 'admitted'") == 0
    assert database.scalar("SELECT count(*) FROM quarantine_stay "
        "WHERE state = 'draft' AND admitted_at IS NOT NULL") == 0
    assert database.scalar("SELECT count(DISTINCT stay) FROM "
        "quarantine_sample") == successes
