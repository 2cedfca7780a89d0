"""The server is killed (SIGKILL) in the middle of a bus's intake (issue 9).

A real trytond (python -O, PostgreSQL) serves a fresh database with one
active site of ARRIVALS rooms and a site manager of it, who works over
JSON-RPC like the web client:

(a) imports an arrival list of ARRIVALS rows through the import wizard
    (quarantine.stay.import).  While the call runs, once PostgreSQL shows
    the server's transaction older than half a second and holding the
    writes of the parties, their identity numbers and the stays, the server
    gets SIGKILL: the client must lose its connection, not get a result.
    After a restart, nothing of the list may be in the database.  Imported
    again to the end: ARRIVALS draft stays; a third time: the same stays,
    and no party or identity number twice.
(b) admits them all by the batch intake wizard (quarantine.stay.allocate),
    killed the same way once the stays, rooms and samples are written:
    after a restart the stays are still draft without room, every room is
    available and no sample is planned; run again to the end: ARRIVALS
    admitted stays in as many occupied rooms.

After each kill, PostgreSQL must have ended the dead server's backends
(nothing left idle in transaction, no lock, no prepared transaction).

Marked `long` (scripts/test_long.sh, `make test-long`); needs PostgreSQL.
"""
import datetime as dt
import http.client
import secrets
import time
from pathlib import Path

import pytest

import rpc_harness
from rpc_harness import RPCError
from sheets import arrival_sheet

pytestmark = [pytest.mark.long, pytest.mark.postgresql_only]

ARRIVALS = 10000
ROOMS_PER_FLOOR = 100
IMPORT = 'quarantine.stay.import'
ALLOCATE = 'quarantine.stay.allocate'
CALL_TIMEOUT = 900  # seconds for an import or an allocation to finish
# The kill waits for a transaction at least this old (seconds) ...
MIN_TRANSACTION_AGE = 0.5
# ... that wrote these tables (RowExclusiveLock held in pg_locks)
IMPORT_WRITES = {'party_party', 'party_identifier', 'quarantine_stay'}
ALLOCATE_WRITES = {'quarantine_stay', 'quarantine_room', 'quarantine_sample'}
THIS = Path(__file__).resolve()


def setup_site(pool, rooms, password):
    "(ORM, as root) An active site of `rooms` rooms and its site manager"
    Site = pool.get('quarantine.site')
    Room = pool.get('quarantine.room')
    Regime = pool.get('quarantine.regime')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    site, = Site.create([{'name': "Fault Test Site", 'code': 'FAULT',
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
    user, = User.create([{
                'name': "Intake Manager",
                'login': 'intake',
                'password': password,
                'groups': [('add', [ModelData.get_id(
                                'quarantine', 'group_site_manager')])],
                'quarantine_sites': [('add', [site.id])],
                }])
    return {'site': site.id, 'regime': regime.id, 'login': user.login}


def _long_call(client, wizard, session_id, data, state, context):
    """Run the wizard's long state; return what the client got: a result,
    an error answer or a lost connection"""
    print('CALLING', flush=True)
    start = time.monotonic()
    try:
        result = client.wizard_execute(
            wizard, session_id, data, state, context=context)
    except (OSError, http.client.HTTPException) as exception:
        return {'outcome': 'connection-error', 'error': repr(exception),
            'seconds': time.monotonic() - start}
    except RPCError as exception:
        return {'outcome': 'rpc-error', 'error': str(exception),
            'clean': exception.clean, 'seconds': time.monotonic() - start}
    seconds = time.monotonic() - start
    client.wizard_delete(wizard, session_id, context=context)
    return {'outcome': 'result', 'seconds': seconds,
        'actions': [a[0].get('name') for a in result.get('actions', [])]}


def run_import(base_url, database, login, password, sheet, site, regime,
        arrival_date):
    "(client process) Import the arrival list `sheet` (a path) to the site"
    client = rpc_harness.Client(base_url, database, timeout=CALL_TIMEOUT)
    client.login(login, password)
    context = {'active_model': 'quarantine.site', 'active_id': site,
        'active_ids': [site]}
    session_id, _, _ = client.wizard_create(IMPORT, context=context)
    view = client.wizard_execute(IMPORT, session_id, {}, 'start',
        context=context)
    assert view['view']['defaults']['site'] == site, view['view']['defaults']
    data = {'start': {
            'file': Path(sheet).read_bytes(),
            'filename': 'arrivals.xlsx',
            'arrival_date': arrival_date,
            'regime': regime,
            'site': site,
            }}
    return _long_call(client, IMPORT, session_id, data, 'import_', context)


def run_allocation(base_url, database, login, password, stays, site):
    "(client process) Allocate rooms of the site to the draft `stays`"
    client = rpc_harness.Client(base_url, database, timeout=CALL_TIMEOUT)
    client.login(login, password)
    context = {'active_model': 'quarantine.stay', 'active_id': stays[0],
        'active_ids': stays}
    session_id, _, _ = client.wizard_create(ALLOCATE, context=context)
    view = client.wizard_execute(ALLOCATE, session_id, {}, 'start',
        context=context)
    defaults = view['view']['defaults']
    assert defaults['stay_count'] == len(stays), defaults
    assert defaults['site'] == site, defaults
    data = {'start': {'site': site, 'stay_count': defaults['stay_count'],
            'room_count': defaults['room_count']}}
    return _long_call(client, ALLOCATE, session_id, data, 'allocate',
        context)


@pytest.fixture(scope='module')
def intake(tmp_path_factory):
    """The database, its site, the arrival list and a running server,
    shared by the two tests (in order: the allocation admits the import)"""
    workdir = tmp_path_factory.mktemp('faults')
    password = 'Intake-' + secrets.token_urlsafe(12)
    arrival_date = dt.date.today()
    data, numbers = arrival_sheet(
        ARRIVALS, arrival_date - dt.timedelta(days=2))
    sheet = workdir / 'arrivals.xlsx'
    sheet.write_bytes(data)
    with rpc_harness.fresh_database() as database:
        setup = rpc_harness.run_orm(database.name, THIS, 'setup_site',
            rooms=ARRIVALS, password=password)
        server = rpc_harness.Server(database.name, workdir)
        server.start()
        try:
            yield dict(setup, database=database, server=server,
                password=password, sheet=sheet, numbers=numbers,
                arrival_date=arrival_date, workdir=workdir)
        finally:
            server.stop()


def start_client(intake, function, label, **kwargs):
    server = intake['server']
    return rpc_harness.start_worker(THIS, function, label=label,
        log_dir=intake['workdir'], base_url=server.base_url,
        database=intake['database'].name, login=intake['login'],
        password=intake['password'], **kwargs)


def show_logs(intake):
    for path, text in intake['server'].logs():
        print(f'--- tail of {path.name} ---\n{text[-4000:]}')


def kill_mid_transaction(intake, worker, writes):
    """SIGKILL the server once its transaction of the worker's long call is
    older than MIN_TRANSACTION_AGE and wrote `writes`; check that the
    client lost its connection and that PostgreSQL ended the dead server's
    backends; restart the server.  Return what happened, for the report."""
    database, server = intake['database'], intake['server']
    monitor = rpc_harness.PgMonitor(database.name)
    try:
        worker.wait_line('CALLING', timeout=300)
        called = time.monotonic()

        def still_running():
            if worker.proc.poll() is not None:
                raise AssertionError('the call ended before the kill:\n'
                    + worker.describe())
        pid, row, written = monitor.wait_for_writer(writes,
            min_age=MIN_TRANSACTION_AGE, timeout=CALL_TIMEOUT,
            deadline_check=still_running)
        backends = monitor.backends()
        killed_at = time.monotonic() - called
        server_pid = server.pid
        server.kill()
        outcome = worker.result(timeout=120)
        assert outcome['outcome'] == 'connection-error', outcome
        # PostgreSQL sees the dead sockets and ends the backends, rolling
        # back the transaction.
        gone = monitor.wait_gone(backends, timeout=120)
        leftovers = monitor.leftovers()
        assert not leftovers['prepared'], leftovers
        assert not leftovers['locks'], leftovers
        assert not leftovers['idle_in_transaction'], leftovers
        assert not monitor.backends(), monitor.backends()
    finally:
        monitor.close()
        worker.kill()
    report = {
        'killed_after': killed_at,
        'transaction_age': row['xact_age'],
        'backend_state': f"{row['state']} (wait: {row['wait']})",
        'written': sorted(written),
        'server_pid': server_pid,
        'backends_gone_after': gone,
        }
    print(f"killed trytond {server_pid} {killed_at:.2f} s after the call, "
        f"its transaction {row['xact_age']:.2f} s old, "
        f"{report['backend_state']}, having written {report['written']}; "
        f"{len(backends)} backends gone {gone:.1f} s later", flush=True)
    server.start()
    return report


def sheet_counts(database, numbers):
    "What of the arrival list is in the database"
    return {
        'identifiers': database.scalar("SELECT count(*) FROM "
            "party_identifier WHERE type = 'cn_ric' AND code = ANY(%s)",
            (numbers,)),
        'persons': database.scalar("SELECT count(DISTINCT party) FROM "
            "party_identifier WHERE type = 'cn_ric' AND code = ANY(%s)",
            (numbers,)),
        'stays': dict(database.query("SELECT state, count(*) FROM "
                "quarantine_stay WHERE identity_number = ANY(%s) "
                "GROUP BY state", (numbers,))),
        'parties': database.scalar("SELECT count(*) FROM party_party"),
        }


def test_import_killed(intake):
    "A killed import leaves nothing; run again it imports once, and only once"
    database, numbers = intake['database'], intake['numbers']
    kwargs = dict(sheet=str(intake['sheet']), site=intake['site'],
        regime=intake['regime'], arrival_date=intake['arrival_date'])
    before = sheet_counts(database, numbers)
    assert before['identifiers'] == 0 and not before['stays'], before
    start = time.monotonic()
    try:
        worker = start_client(intake, 'run_import', 'import-killed',
            **kwargs)
        kill = kill_mid_transaction(intake, worker, IMPORT_WRITES)
        after_kill = sheet_counts(database, numbers)
        print(f"after the restart: {after_kill}")
        assert after_kill == before, (before, after_kill)

        worker = start_client(intake, 'run_import', 'import', **kwargs)
        second = worker.result(timeout=CALL_TIMEOUT + 120)
        assert second['outcome'] == 'result', second
        imported = sheet_counts(database, numbers)
        print(f"imported in {second['seconds']:.1f} s {second['actions']}: "
            f"{imported}")
        assert imported['stays'] == {'draft': ARRIVALS}, imported
        assert imported['identifiers'] == imported['persons'] == ARRIVALS
        assert imported['parties'] == before['parties'] + ARRIVALS

        worker = start_client(intake, 'run_import', 'import-again',
            **kwargs)
        third = worker.result(timeout=CALL_TIMEOUT + 120)
        assert third['outcome'] == 'result', third
        again = sheet_counts(database, numbers)
        print(f"imported again in {third['seconds']:.1f} s "
            f"{third['actions']}: {again}")
        assert again == imported, (imported, again)
    except BaseException:
        show_logs(intake)
        raise
    assert not intake['server'].errors(), intake['server'].errors()[:40]
    print(f"=== import: killed {kill['killed_after']:.2f} s into the call; "
        f"import {second['seconds']:.1f} s, again {third['seconds']:.1f} s;"
        f" test {time.monotonic() - start:.1f} s", flush=True)


def intake_state(database, site, stays):
    "The stays, rooms and samples of the intake, as PostgreSQL has them"
    return {
        'stays': dict(database.query("SELECT state, count(*) FROM "
                "quarantine_stay WHERE id = ANY(%s) GROUP BY state",
                (stays,))),
        'with_room': database.scalar("SELECT count(*) FROM quarantine_stay "
            "WHERE id = ANY(%s) AND room IS NOT NULL", (stays,)),
        'rooms': dict(database.query("SELECT state, count(*) FROM "
                "quarantine_room WHERE site = %s GROUP BY state", (site,))),
        'samples': database.scalar("SELECT count(*) FROM quarantine_sample"),
        'transitions': database.scalar("SELECT count(*) FROM ir_model_log "
            "WHERE event = 'transition' "
            "AND resource LIKE 'quarantine.stay,%%'"),
        }


def test_allocation_killed(intake):
    "A killed batch intake admits nobody; run again it admits everyone"
    database, site = intake['database'], intake['site']
    stays = [i for i, in database.query("SELECT id FROM quarantine_stay "
            "WHERE identity_number = ANY(%s) AND state = 'draft' "
            "ORDER BY id", (intake['numbers'],))]
    assert len(stays) == ARRIVALS, (
        f"test_import_killed left {len(stays)} draft stays, not {ARRIVALS}")
    before = intake_state(database, site, stays)
    assert before['stays'] == {'draft': ARRIVALS}, before
    assert before['rooms'] == {'available': ARRIVALS}, before
    assert before['samples'] == 0 and before['with_room'] == 0, before
    start = time.monotonic()
    try:
        worker = start_client(intake, 'run_allocation', 'allocate-killed',
            stays=stays, site=site)
        kill = kill_mid_transaction(intake, worker, ALLOCATE_WRITES)
        after_kill = intake_state(database, site, stays)
        print(f"after the restart: {after_kill}")
        assert after_kill == before, (before, after_kill)

        worker = start_client(intake, 'run_allocation', 'allocate',
            stays=stays, site=site)
        second = worker.result(timeout=CALL_TIMEOUT + 120)
        assert second['outcome'] == 'result', second
        admitted = intake_state(database, site, stays)
        print(f"allocated in {second['seconds']:.1f} s: {admitted}")
    except BaseException:
        show_logs(intake)
        raise
    assert admitted['stays'] == {'admitted': ARRIVALS}, admitted
    assert admitted['with_room'] == ARRIVALS, admitted
    assert admitted['rooms'] == {'occupied': ARRIVALS}, admitted
    assert admitted['transitions'] == before['transitions'] + ARRIVALS, (
        before, admitted)
    assert database.scalar("SELECT count(DISTINCT stay) FROM "
        "quarantine_sample WHERE stay = ANY(%s)", (stays,)) == ARRIVALS
    assert not intake['server'].errors(), intake['server'].errors()[:40]
    doubles = database.query("SELECT room FROM quarantine_stay "
        "WHERE state = 'admitted' AND companion_of IS NULL "
        "GROUP BY room HAVING count(*) > 1")
    assert not doubles, doubles[:10]
    print(f"=== allocation: killed {kill['killed_after']:.2f} s into the "
        f"call; allocation {second['seconds']:.1f} s; test "
        f"{time.monotonic() - start:.1f} s", flush=True)
