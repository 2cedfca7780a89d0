"""Two concurrent PostgreSQL transactions cannot book the same room.

Each test commits an active site with one available room and two draft stays
(two people) in that room, then runs two real transactions in two threads,
each on its own connection. A barrier holds both until each has read the room
as available (so both REPEATABLE READ snapshots predate the other's work);
then both book the room at once and try to commit. Exactly one may win.

* `test_admit_race`: both call `Stay.admit` inside a retry loop that copies
  trytond's RPC dispatcher (TransactionError -> `fix(extras)` and start again;
  DatabaseOperationalError -> retry up to `[database] retry` times). The
  loser's Python check cannot see the winner (its snapshot is older), so the
  database stops its first attempt (a serialization failure on the room row,
  which the dispatcher retries); the retry then sees the winner and ends in
  a clean UserError. (No TransactionError is expected: on PostgreSQL these
  btree exclusion constraints are enforced by the database, so
  ModelSQL.validate neither re-checks them nor locks the table; the loop
  handles one anyway, as the server would.)
* `test_orm_write_race`: both write `state='admitted'` through the ORM,
  skipping `admit` and its checks; the exclusion constraint refuses the
  loser, which trytond reports as SQLConstraintError(msg_stay_room_occupied).
* `test_raw_sql_race`: both run `UPDATE quarantine_stay SET state =
  'admitted'` on their own stay with no Python at all: PostgreSQL itself
  refuses the second (ExclusionViolation on room_single_occupancy; when the
  two updates interleave exactly, PostgreSQL may break the mutual wait with
  a deadlock error instead). The 'staggered' case forces the order (B's
  UPDATE is seen waiting on A before A commits) so B must get
  ExclusionViolation.

PostgreSQL only: run with TRYTOND_DATABASE__URI=postgresql://... (the
PostgreSQL pass of scripts/test.sh); skipped otherwise.
"""
import itertools
import threading
import time

import pytest

from trytond import backend
from trytond.config import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.quarantine.tests.tools import (
    active_site, create_person, create_stay)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    CONTEXT, DB_NAME, USER, activate_module, db_exist, drop_db)
from trytond.transaction import Transaction, TransactionError

pytestmark = [pytest.mark.postgresql_only]

BARRIER_TIMEOUT = 10  # seconds for both threads to reach the barrier
STATEMENT_TIMEOUT = 10  # seconds, PostgreSQL statement_timeout per thread
JOIN_TIMEOUT = 20  # seconds for a thread to finish
CONSTRAINT = 'quarantine_stay_room_single_occupancy'

_sequences = itertools.count(101)


@pytest.fixture(scope='module')
def database():
    "A fresh test database with quarantine activated, dropped at the end"
    # Like ModuleTestCase: another test class of this process may have left
    # DB_NAME behind (DB_CACHE restores the activated database quickly).
    if db_exist(DB_NAME):
        drop_db()
    activate_module('quarantine')
    try:
        yield DB_NAME
    finally:
        drop_db()


class Trace:
    "Timed events of the threads, for the report and the assertions"

    def __init__(self):
        self.start = time.monotonic()
        self.events = []
        self._lock = threading.Lock()

    def __call__(self, event, detail=''):
        with self._lock:
            self.events.append((time.monotonic() - self.start,
                    threading.current_thread().name, event, detail))

    def of(self, name):
        return [(e, d) for _, n, e, d in self.events if n == name]

    def __str__(self):
        return '\n'.join(f'  {t * 1000:7.1f} ms  {n:<2} {e:<18} {d}'
            for t, n, e, d in self.events)


def describe(exception):
    cls = type(exception)
    text = getattr(exception, 'message', None) or str(exception)
    return f'{cls.__module__}.{cls.__qualname__}: {text.splitlines()[0]}'


def setup_room(code):
    """Commit an active site with one available room and two draft stays of
    two different people in it; return (room id, [stay ids])"""
    with Transaction().start(DB_NAME, USER, context=CONTEXT) as transaction:
        Room = Pool().get('quarantine.room')
        site = active_site(rooms=1, code=code)
        room, = Room.search([('site', '=', site.id)])
        assert room.state == 'available'
        stays = []
        for letter in 'AB':
            person = create_person(f"Resident {code}{letter}",
                sequence=f'{next(_sequences):03d}')
            stays.append(create_stay(person, site, room))
        assert [s.state for s in stays] == ['draft', 'draft']
        transaction.commit()
        return room.id, [s.id for s in stays]


def run_threads(*targets):
    """Run each target in its own thread (named A, B, ...); return what each
    returned or raised, failing if a thread does not end in time"""
    outcomes = [None] * len(targets)

    def run(index, target):
        try:
            outcomes[index] = ('ok', target())
        except BaseException as exception:
            outcomes[index] = ('error', exception)

    threads = [threading.Thread(target=run, args=(i, t), name=chr(65 + i),
            daemon=True)
        for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for thread in threads:
        thread.join(max(0, deadline - time.monotonic()))
    stuck = [t.name for t in threads if t.is_alive()]
    assert not stuck, f"threads {stuck} still running after {JOIN_TIMEOUT}s"
    return outcomes


def dispatch(stay_id, action, barrier, trace):
    """Run `action(Stay, stay)` in its own transaction the way trytond's RPC
    dispatcher (trytond.protocols.dispatcher._dispatch) runs a call: start
    again with the lock extras on TransactionError, retry on
    DatabaseOperationalError, commit at the end. The barrier is passed once,
    after the first attempt has read the stay and its room."""
    retry = config.getint('database', 'retry')
    count = 0
    extras = {}
    synchronised = False
    while True:
        if count:
            time.sleep(0.02 * count)
        with Transaction().start(DB_NAME, USER, context=CONTEXT,
                timeout=STATEMENT_TIMEOUT, **extras) as transaction:
            try:
                Stay = Pool().get('quarantine.stay')
                stay = Stay(stay_id)
                trace('read', f'stay {stay.state}, room {stay.room.state}'
                    f', attempt {count + 1}')
                if not synchronised:
                    synchronised = True
                    barrier.wait()
                action(Stay, stay)
            except TransactionError as exception:
                transaction.rollback()
                transaction.tasks.clear()
                exception.fix(extras)
                trace('transaction-error', f'{describe(exception)} {extras}')
                continue
            except backend.DatabaseTimeoutError as exception:
                trace('timeout', describe(exception))
                raise
            except backend.DatabaseOperationalError as exception:
                trace('operational-error', describe(exception))
                if count < retry:
                    transaction.rollback()
                    transaction.tasks.clear()
                    count += 1
                    continue
                raise
            except Exception as exception:
                trace('error', describe(exception))
                raise
            transaction.commit()
        trace('committed')
        return count + 1


def admit(Stay, stay):
    Stay.admit([stay])


def write_admitted(Stay, stay):
    Stay.write([stay], {'state': 'admitted'})


def room_bookings(room_id):
    "Return (room state, {stay id: (state, admitted_at)}) from the database"
    with Transaction().start(DB_NAME, USER, context=CONTEXT, readonly=True):
        pool = Pool()
        Room = pool.get('quarantine.room')
        Stay = pool.get('quarantine.stay')
        room = Room(room_id)
        stays = Stay.search([('room', '=', room_id)])
        return room.state, {s.id: (s.state, s.admitted_at) for s in stays}


def messages(room_id, winner_id, loser_id):
    "The messages a user may get when the room is already held"
    with Transaction().start(DB_NAME, USER, context=CONTEXT, readonly=True):
        pool = Pool()
        Room = pool.get('quarantine.room')
        Stay = pool.get('quarantine.stay')
        return {
            'taken': gettext('quarantine.msg_stay_room_taken',
                stay=Stay(loser_id).rec_name, room=Room(room_id).rec_name,
                holder=Stay(winner_id).rec_name),
            'occupied': gettext('quarantine.msg_stay_room_occupied'),
            }


def split(outcomes, stay_ids, trace):
    "Return (winner stay id, loser stay id, loser's exception)"
    committed = [i for i, (kind, _) in enumerate(outcomes) if kind == 'ok']
    failed = [i for i, (kind, _) in enumerate(outcomes) if kind == 'error']
    assert len(committed) == 1 and len(failed) == 1, (
        f"expected exactly one commit: {outcomes}\n{trace}")
    winner, = committed
    loser, = failed
    return stay_ids[winner], stay_ids[loser], outcomes[loser][1]


def check_one_booking(room_id, winner_id, loser_id, room_state='occupied'):
    state, bookings = room_bookings(room_id)
    assert state == room_state
    assert bookings[winner_id][0] == 'admitted'
    assert bookings[loser_id] == ('draft', None)
    assert [i for i, (s, _) in bookings.items() if s == 'admitted'] == [
        winner_id]


def test_admit_race(database):
    "Two admissions into the same room at once: one wins, one clean error"
    room_id, stay_ids = setup_room('RACE1')
    trace = Trace()
    barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    outcomes = run_threads(*(
            lambda stay_id=stay_id: dispatch(stay_id, admit, barrier, trace)
            for stay_id in stay_ids))
    print(f"\nadmit race:\n{trace}")
    winner_id, loser_id, error = split(outcomes, stay_ids, trace)
    loser = 'AB'[stay_ids.index(loser_id)]
    winner = 'AB'[stay_ids.index(winner_id)]

    # Both read the room as available before either admitted.
    for name in 'AB':
        assert trace.of(name)[0] == (
            'read', 'stay draft, room available, attempt 1'), trace
    # The winner got through at its first attempt.
    assert [e for e, _ in trace.of(winner)] == ['read', 'committed'], trace
    # The loser's snapshot could not see the winner, so its Python check let
    # it through: the database stopped it (serialization failure on the
    # room row, retried like the dispatcher does, or the exclusion
    # constraint) ...
    first_failure = [(e, d) for e, d in trace.of(loser) if e != 'read'][0]
    assert first_failure[0] in {'operational-error', 'error'}, trace
    assert ('SerializationFailure' in first_failure[1]
        or CONSTRAINT in first_failure[1]
        or 'SQLConstraintError' in first_failure[1]), trace
    # ... and it ends with a clean user error naming the problem.
    assert isinstance(error, UserError), describe(error)
    expected = messages(room_id, winner_id, loser_id)
    assert error.message in expected.values(), describe(error)
    check_one_booking(room_id, winner_id, loser_id)


def test_orm_write_race(database):
    "Writing the state directly, without admit's checks: the constraint holds"
    room_id, stay_ids = setup_room('RACE2')
    trace = Trace()
    barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    outcomes = run_threads(*(
            lambda stay_id=stay_id: dispatch(
                stay_id, write_admitted, barrier, trace)
            for stay_id in stay_ids))
    print(f"\nORM write race:\n{trace}")
    winner_id, loser_id, error = split(outcomes, stay_ids, trace)

    assert isinstance(error, SQLConstraintError), describe(error)
    assert error.message == gettext_occupied(), describe(error)
    # admit was skipped: nobody occupied the room, only the stay is booked.
    check_one_booking(room_id, winner_id, loser_id, room_state='available')


def gettext_occupied():
    with Transaction().start(DB_NAME, USER, context=CONTEXT, readonly=True):
        return gettext('quarantine.msg_stay_room_occupied')


def raw_admit(stay_id, barrier, trace, updated=None, before_commit=None):
    "Book the room with plain SQL on the stay only: no trytond code runs"
    with Transaction().start(DB_NAME, 0, timeout=STATEMENT_TIMEOUT) \
            as transaction:
        connection = transaction.connection
        cursor = connection.cursor()
        try:
            cursor.execute('SELECT s.state, r.state FROM quarantine_stay AS s '
                'JOIN quarantine_room AS r ON r.id = s.room WHERE s.id = %s',
                (stay_id,))
            stay_state, room_state = cursor.fetchone()
            trace('read', f'stay {stay_state}, room {room_state}, '
                f'pid {connection.info.backend_pid}')
            barrier.wait()
            cursor.execute("UPDATE quarantine_stay SET state = 'admitted' "
                "WHERE id = %s", (stay_id,))
            trace('updated')
            if updated:
                updated.set()
            if before_commit:
                before_commit()
            connection.commit()
        except Exception as exception:
            trace('error', describe(exception))
            raise
        trace('committed')


def wait_until_blocked(pid, timeout=5):
    "Wait until the backend `pid` waits on a lock; return what it waits on"
    deadline = time.monotonic() + timeout
    database = backend.Database(DB_NAME)
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        while time.monotonic() < deadline:
            cursor.execute('SELECT wait_event_type, wait_event '
                'FROM pg_stat_activity WHERE pid = %s', (pid,))
            row = cursor.fetchone()
            if row and row[0] == 'Lock':
                return row
            time.sleep(0.01)
    finally:
        database.put_connection(connection)
    raise AssertionError(f"backend {pid} never waited on a lock")


@pytest.mark.parametrize('mode', ['simultaneous', 'staggered'])
def test_raw_sql_race(database, mode):
    "The database itself refuses a second admitted stay in the room"
    room_id, stay_ids = setup_room(f'RACE3{mode[:2].upper()}')
    trace = Trace()
    barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    if mode == 'simultaneous':
        targets = [lambda stay_id=stay_id: raw_admit(stay_id, barrier, trace)
            for stay_id in stay_ids]
    else:
        # A updates first and keeps its transaction open until B's UPDATE
        # is seen waiting on it; then A commits.
        a_updated = threading.Event()
        b_pid = []

        def b_barrier_then_wait():
            a_updated.wait(BARRIER_TIMEOUT)
            b_pid.append(Transaction().connection.info.backend_pid)

        class BBarrier:
            def wait(self):
                barrier.wait()
                b_barrier_then_wait()

        def a_before_commit():
            deadline = time.monotonic() + BARRIER_TIMEOUT
            while not b_pid and time.monotonic() < deadline:
                time.sleep(0.005)
            assert b_pid, "B never reached its UPDATE"
            trace('B waits', '%s/%s' % wait_until_blocked(b_pid[0]))

        targets = [
            lambda: raw_admit(stay_ids[0], barrier, trace,
                updated=a_updated, before_commit=a_before_commit),
            lambda: raw_admit(stay_ids[1], BBarrier(), trace),
            ]
    outcomes = run_threads(*targets)
    print(f"\nraw SQL race ({mode}):\n{trace}")
    winner_id, loser_id, error = split(outcomes, stay_ids, trace)

    if mode == 'staggered':
        assert winner_id == stay_ids[0]
    allowed = (backend.DatabaseIntegrityError,)
    if mode == 'simultaneous':
        # Both UPDATEs may insert their index entry before either checks the
        # constraint; each then waits for the other and PostgreSQL breaks
        # the deadlock by aborting one: the database still refuses.
        allowed += (backend.DatabaseOperationalError,)
    assert isinstance(error, allowed), describe(error)
    if isinstance(error, backend.DatabaseIntegrityError):
        assert type(error).__name__ == 'ExclusionViolation', describe(error)
        assert error.diag.constraint_name == CONSTRAINT, describe(error)
    else:
        assert type(error).__name__ == 'DeadlockDetected', describe(error)
    # Only the stay rows were touched: the room row still says available.
    check_one_booking(room_id, winner_id, loser_id, room_state='available')
