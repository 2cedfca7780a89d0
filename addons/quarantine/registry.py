# This file is part of the quarantine module.  See README.md for licensing.
"""Residents in bulk: a bus, a flight or a district at once.

Creating parties through the ORM costs a party-code sequence call, a record
instance, validation and triggers per person: 10,000 residents took 49 s
(python -O, PostgreSQL 15, this kind of machine).  A resident needs far less:
a name, a party code and the identity number, all already checked for the
whole batch by the arrival list reader.  So the parties and their identity
numbers are inserted by one pipelined INSERT each, the party codes taken
from the party sequence in one call, after the same access check the ORM
makes.  Stays, their rooms and their admission go the same way; the
database's constraints still hold them (trytond checks them on SQLite).
"""
import datetime as dt
import re
from contextlib import contextmanager
from functools import wraps

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Workflow, fields
from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

in_ = fields.SQL_OPERATORS['in']

@contextmanager
def constraint_errors(Model):
    """Report a violated SQL constraint with its message, as the ORM does,
    instead of the database's error"""
    try:
        yield
    except backend.DatabaseIntegrityError as exception:
        for name, _, error in Model._sql_constraints:
            if f'{Model._table}_{name}' in str(exception):
                # The failed statement aborted the transaction: read the
                # message in another one, as trytond does.
                with Transaction().new_transaction():
                    message = gettext(error)
                raise SQLConstraintError(message) from exception
        raise


# Inserts from which the table's statistics are refreshed (PostgreSQL)
ANALYZE_ROWS = 1000
# ... when they are this share of the rows the statistics counted
ANALYZE_SHARE = 0.1
BULK_TABLE = 'quarantine_bulk_update'


def copy_rows(cursor, table, columns, rows):
    "COPY the rows (sequences in the order of columns) into the table"
    columns = ', '.join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def analyze(cursor, table, count):
    """Refresh the planner's statistics of the table after `count` new
    rows, when they change it: without them, the next joins on a table that
    was nearly empty are planned as if it still were (a roster of 10,000
    rows took 12.5 s instead of 1.2 s, nearly all of it in one badly
    planned query).  A bus into a province's tables of millions of rows
    changes little, and ANALYZE of each of them took 0.3 to 0.8 s: the
    autovacuum daemon refreshes those."""
    if count < ANALYZE_ROWS:
        return
    cursor.execute('SELECT reltuples FROM pg_class WHERE oid = %s::regclass',
        (f'"{table}"',))
    known, = cursor.fetchone()
    if known < 0 or count >= known * ANALYZE_SHARE:
        cursor.execute(f'ANALYZE "{table}"')


def insert_rows(Model, columns, rows, check_access=True):
    """Insert `rows` (tuples in the order of `columns`) into the table of
    `Model` and return their ids in the same order"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    if check_access:
        ModelAccess.check(Model.__name__, 'create')
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    now = dt.datetime.now().replace(microsecond=0)
    # the values as the ORM stores them (no microseconds in date-times)
    formats = [Model._fields[c].sql_format for c in columns]
    rows = [[f(x) for f, x in zip(formats, r)] + [transaction.user, now]
        for r in rows]
    columns = [getattr(table, c) for c in columns] + [
        table.create_uid, table.create_date]
    if not rows:
        return []
    if backend.name == 'postgresql':
        # Take the ids first, then COPY the rows: one statement whatever
        # their number (60,000 samples of a bus of 10,000: 3.9 s by a
        # pipelined executemany, bench_province.py)
        cursor.execute('SELECT nextval(pg_get_serial_sequence(%s, %s)) '
            'FROM generate_series(1, %s)', (Model._table, 'id', len(rows)))
        ids = [i for i, in cursor]
        with constraint_errors(Model):
            copy_rows(cursor, Model._table,
                ['id'] + [c.name for c in columns],
                ([i] + r for i, r in zip(ids, rows)))
        analyze(cursor, Model._table, len(rows))
    else:
        database = transaction.database
        ids = []
        for row in rows:
            with constraint_errors(Model):
                cursor.execute(*table.insert(columns, [row]))
            ids.append(database.lastid(cursor))
    transaction.create_records[Model.__name__].extend(ids)
    Model._insert_history(ids)
    return ids


def update_rows(Model, columns, values):
    """Set `columns` of the records, `values` being (id, value, ...)
    tuples, in a few statements whatever their number"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    ModelAccess.check(Model.__name__, 'write')
    if not values:
        return
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    now = dt.datetime.now().replace(microsecond=0)
    # the values as the ORM stores them (no microseconds in date-times)
    formats = [Model._fields[c].sql_format for c in columns]
    values = [(v[0], *(f(x) for f, x in zip(formats, v[1:])))
        for v in values]
    if backend.name == 'postgresql':
        # COPY the new values into a temporary table and update from it:
        # three statements instead of one a record
        names = [Model._fields[c].name for c in columns]
        quoted = ', '.join(f'"{n}"' for n in names)
        cursor.execute(f'CREATE TEMPORARY TABLE "{BULK_TABLE}" '
            f'ON COMMIT DROP AS SELECT id, {quoted} '
            f'FROM "{Model._table}" WITH NO DATA')
        copy_rows(cursor, BULK_TABLE, ['id'] + names, values)
        with constraint_errors(Model):
            cursor.execute(f'UPDATE "{Model._table}" AS t SET '
                + ', '.join(f'"{n}" = b."{n}"' for n in names)
                + ', write_uid = %s, write_date = %s '
                f'FROM "{BULK_TABLE}" AS b WHERE t.id = b.id',
                (transaction.user, now))
        cursor.execute(f'DROP TABLE "{BULK_TABLE}"')
    else:
        query, _ = tuple(table.update(
                [getattr(table, c) for c in columns]
                + [table.write_uid, table.write_date],
                list(values[0][1:]) + [transaction.user, now],
                where=table.id == values[0][0]))
        with constraint_errors(Model):
            cursor.executemany(query, [list(v[1:]) + [transaction.user, now,
                        v[0]] for v in values])
    # Forget what was read of these records, as ModelStorage.write does.
    transaction.counter += 1
    ids = [v[0] for v in values]
    Model._insert_history(ids)
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            model_cache = cache[Model.__name__]
            for id_ in ids:
                model_cache.pop(id_, None)


def set_states(Model, ids, state, **values):
    """Move the records `ids` to `state` (setting `values` too) and log the
    transition as Workflow.transition does, in a few statements whatever the
    number of records.  The caller checks that the transition is allowed."""
    if not ids:
        return
    Log = Pool().get('ir.model.log')
    columns = [Model._transition_state] + list(values)
    update_rows(Model, columns,
        [(i, state, *values.values()) for i in ids])
    user = Transaction().user
    insert_rows(Log, ['resource', 'user', 'event', 'target'], [
            (f'{Model.__name__},{i}', user, 'transition',
                f'{Model._transition_state}:{state}')
            for i in ids], check_access=False)


class BulkWorkflow(Workflow):
    """A workflow whose transitions take a bus or a district at once.

    Workflow.transition reads the state of each record through the ORM,
    before and after the method, writes the new state with the ORM and logs
    an ir.model.log record each: for 10,000 stays 1.8 s of reads, 1.8 s of
    write and 3.2 s of log (bench_intake.py).  The transitions of this class
    do the same (the same filter by _transitions, a record whose state the
    method changed itself left alone), but read the states in one query a
    slice and write them with `_write_transition`, the one place a class
    writes its state."""
    __slots__ = ()
    # From this number of records a transition writes the state and its log
    # with a few statements (set_states) instead of the ORM.
    _bulk_transition_records = 100

    @staticmethod
    def transition(state):
        def check_transition(func):
            @wraps(func)
            def wrapper(cls, records, *args, **kwargs):
                assert len(records) == len(set(records)), "Duplicate records"
                before = cls._read_states(records)
                filtered = [r for r in records
                    if (before[r.id], state) in cls._transitions]
                result = func(cls, filtered, *args, **kwargs)
                after = cls._read_states(filtered)
                cls._write_transition([r for r in filtered
                        if before[r.id] != state
                        and after[r.id] == before[r.id]], state)
                return result
            return wrapper
        return check_transition

    @classmethod
    def _read_states(cls, records):
        "Return {id: state} of the records, read in one query a slice"
        table = cls.__table__()
        column = getattr(table, cls._transition_state)
        cursor = Transaction().connection.cursor()
        states = {}
        for sub_ids in grouped_slice([r.id for r in records],
                backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id, column,
                    where=in_(table.id, list(sub_ids))))
            states.update(cursor)
        return states

    @classmethod
    def _write_transition(cls, records, state, **values):
        """Write `state` (and `values`) on the records and log the
        transition: by the ORM as Workflow.transition does, or for a batch
        of _bulk_transition_records or more in a few statements, validated
        as the ORM's write validates (on SQLite, the exclusion constraints)"""
        if not records:
            return
        if len(records) < cls._bulk_transition_records:
            cls.write(records, {cls._transition_state: state, **values})
            cls.log(records, 'transition',
                f'{cls._transition_state}:{state}')
        else:
            set_states(cls, [r.id for r in records], state, **values)
            cls.validate(records)


def create_residents(people):
    """Create the parties of `people`, (name, identity number) pairs whose
    numbers were checked; return the party ids in the same order"""
    pool = Pool()
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    sequence = Party._code_sequence()
    if not sequence or not people:
        parties = Party.create([{
                    'name': name,
                    'identifiers': [('create', [{
                                    'type': 'cn_ric', 'code': number}])],
                    } for name, number in people])
        return [p.id for p in parties]
    codes = list(sequence.get_many(len(people)))
    party_ids = insert_rows(Party, ['name', 'code', 'code_alnum',
            'code_digit', 'active'], [
            (name, code, re.sub(r'[\W_]', '', code), _digits(code), True)
            for (name, _), code in zip(people, codes)])
    insert_rows(Identifier, ['party', 'type', 'code', 'code_compact',
            'active'], [
            (party_id, 'cn_ric', number, number, True)
            for party_id, (_, number) in zip(party_ids, people)])
    return party_ids


def _digits(code):
    # As party.party computes code_digit for its search by number
    try:
        return int(re.sub(r'\D', '', code or '')[-18:])
    except ValueError:
        return None
