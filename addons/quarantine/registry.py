# This file is part of the quarantine module.  See README.md for licensing.
"""Residents in bulk: a bus, a flight or a district at once.

Creating parties through the ORM costs a party-code sequence call, a record
instance, validation and triggers per person: 10,000 residents took 49 s
(python -O, PostgreSQL 15, this kind of machine).  A resident needs far less:
a name, a party code and the identity number, all already checked for the
whole batch by the arrival list reader.  So the parties and their identity
numbers are inserted by one pipelined INSERT each, the party codes taken
from the party sequence in one call.  Stays, their rooms and their admission
go the same way.

The statements are few, the contract is the ORM's (ModelSQL.create and
write), and the ORM's own code checks it:
- before: the model access and the field access of the columns written
  (ir.model.access, ir.model.field.access), and for an update the record
  rules of the records written;
- the values: the model's defaults, preprocess_values and compute_fields;
- after: the record rules of the new or written records (ir.rule.check, the
  ORM's message), and their validation (_validate: required fields,
  selections, field domains, the model's own checks; on SQLite the
  exclusion constraints the database does not hold).
Rules and access are checked when the transaction checks access (RPC
calls), as the ORM does; an error aborts the transaction.
"""
import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from functools import wraps

from trytond import backend
from trytond.i18n import gettext
from trytond.model import EvalEnvironment, Workflow, fields

from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, inactive_records, record_cache_size, without_check_access)

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


# The field types whose sql_format returns unchanged None and the values of
# this exact type (on every backend): it is skipped for them, 0.5 s of the
# 300,000 values of a bus of 10,000
PLAIN_TYPES = {
    'many2one': int,
    'integer': int,
    'boolean': bool,
    'date': dt.date,
    }


def sql_formats(Model, columns):
    "The functions giving the values of `columns` as the ORM stores them"
    def sql_format(field):
        plain = PLAIN_TYPES.get(field._type)
        if not plain:
            return field.sql_format
        return lambda value: (value if value is None or type(value) is plain
            else field.sql_format(value))
    return [sql_format(Model._fields[c]) for c in columns]


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


def insert_rows(Model, columns, rows, given=None, system=False):
    """Insert `rows` (tuples in the order of `columns`) into the table of
    `Model` as ModelSQL.create would and return their ids in the same order.

    `given` are the fields the caller gave, whose field access is checked
    (all columns by default).  `system` rows are the system's own (the log
    of a change): they are written as ModelStorage.log writes its records,
    without access checks, defaults or validation."""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    FieldAccess = pool.get('ir.model.field.access')
    if not system:
        ModelAccess.check(Model.__name__, 'create')
        FieldAccess.check(Model.__name__,
            columns if given is None else given, 'write')
    if not rows:
        return []
    columns = list(columns)
    to_set = {}
    if not system:
        # the model's defaults of the columns not given, as the ORM's
        # create fills them (a boolean is False, not NULL)
        defaults = default_values(Model, columns)
        to_set = {n: v for n, v in defaults.items()
            if hasattr(Model._fields[n], 'set')}
        defaults = {n: v for n, v in defaults.items() if n not in to_set}
        columns += list(defaults)
        rows = [tuple(r) + tuple(defaults.values()) for r in rows]
    # the given fields stored elsewhere (a party's locations of the stock
    # module: MultiValue), set after the insert as the ORM's create does
    stored_elsewhere = [i for i, c in enumerate(columns)
        if hasattr(Model._fields[c], 'set')]
    later = [(columns[i], [r[i] for r in rows]) for i in stored_elsewhere]
    if stored_elsewhere:
        keep = [i for i in range(len(columns)) if i not in stored_elsewhere]
        columns = [columns[i] for i in keep]
        rows = [tuple(r[i] for i in keep) for r in rows]
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    now = dt.datetime.now().replace(microsecond=0)
    # the values as the ORM stores them (no microseconds in date-times)
    formats = sql_formats(Model, columns)
    values, rows = rows, [
        [f(x) for f, x in zip(formats, r)] + [transaction.user, now]
        for r in rows]
    sql_columns = [getattr(table, c) for c in columns] + [
        table.create_uid, table.create_date]
    if backend.name == 'postgresql':
        # Take the ids first, then COPY the rows: one statement whatever
        # their number (60,000 samples of a bus of 10,000: 3.9 s by a
        # pipelined executemany, bench_province.py)
        cursor.execute('SELECT nextval(pg_get_serial_sequence(%s, %s)) '
            'FROM generate_series(1, %s)', (Model._table, 'id', len(rows)))
        ids = [i for i, in cursor]
        with constraint_errors(Model):
            copy_rows(cursor, Model._table,
                ['id'] + [c.name for c in sql_columns],
                ([i] + r for i, r in zip(ids, rows)))
        analyze(cursor, Model._table, len(rows))
    else:
        database = transaction.database
        ids = []
        for row in rows:
            with constraint_errors(Model):
                cursor.execute(*table.insert(sql_columns, [row]))
            ids.append(database.lastid(cursor))
    for name, value in to_set.items():
        Model._fields[name].set(Model, name, ids, value)
    for name, row_values in later:
        groups = []  # (value, ids): values may be lists, not hashable
        for id_, value in zip(ids, row_values):
            for group_value, group_ids in groups:
                if group_value == value:
                    group_ids.append(id_)
                    break
            else:
                groups.append((value, [id_]))
        for value, group_ids in groups:
            if value or value == 0:
                Model._fields[name].set(Model, name, group_ids, value)
    transaction.create_records[Model.__name__].extend(ids)
    Model._insert_history(ids)
    if not system:
        check_rules(Model, ids, 'create')
        check_domains(Model, columns, ids, values)
    return ids


def default_values(Model, columns):
    """The default values of the fields of Model not in `columns`, as
    ModelSQL.create takes them: default_get, cleaned, without the empty
    values of the fields it sets after the insert"""
    names = [n for n, f in Model._fields.items()
        if n not in columns
        and n not in {'id', 'create_uid', 'create_date', 'write_uid',
            'write_date'}
        and not (isinstance(f, fields.Function) and not f.setter)]
    defaults = Model._clean_defaults(
        Model.default_get(names, with_rec_name=False))
    return {n: v for n, v in defaults.items()
        if not (hasattr(Model._fields[n], 'set') and not v)}


def check_rules(Model, ids, mode):
    """Refuse, with the ORM's AccessError, records of `ids` outside the
    user's record rules for `mode` (ir.rule.check: a rule-applied search
    of the ids, a slice at a time); nothing when the transaction does not
    check access, as the ORM"""
    Rule = Pool().get('ir.rule')
    if not Rule.domain_get(Model.__name__, mode=mode):
        return
    for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
        Rule.check(Model.__name__, list(sub_ids), mode=mode)


def check_domains(Model, columns, ids, rows):
    """Refuse values of `columns` outside their field's domain, as
    ModelStorage._validate does (validate_domain) but reading nothing back:
    the records are grouped by the domain their written values give, and
    the related ids of a group are searched at once (one search for a bus
    going to one site).  A record refused is handed to _validate, which
    raises the ORM's own message.  A domain on what was not written (or a
    field domain not on a relation) is validated by _validate itself."""
    pool = Pool()
    for index, name in enumerate(columns):
        field = Model._fields[name]
        if not field.domain:
            continue
        depends = field.validation_depends | fields.get_eval_fields(
            field.context)
        if field._type != 'many2one' or not depends <= {*columns, 'id'}:
            validate(Model, ids, {name})
            continue
        Relation = pool.get(field.model_name)
        groups = defaultdict(lambda: defaultdict(list))
        positions = {d: columns.index(d) for d in depends if d != 'id'}
        for id_, row in zip(ids, rows):
            if row[index] is None:
                continue
            key = tuple((d, row[p]) for d, p in sorted(positions.items()))
            if 'id' in depends:
                key += (('id', id_),)
            groups[key][row[index]].append(id_)
        encoder = PYSONEncoder()
        domain, context = encoder.encode(field.domain), encoder.encode(
            field.context)
        for key, relations in groups.items():
            values = dict(key)
            environment = EvalEnvironment(
                Model(values.pop('id', None), **values), Model)
            environment['context'] = Transaction().context
            decoder = PYSONDecoder(environment)
            with without_check_access(), inactive_records(), \
                    Transaction().set_context(decoder.decode(context)):
                accepted = set()
                for sub_ids in grouped_slice(list(relations),
                        backend.MAX_QUERY_PARAMS):
                    accepted.update(map(int, Relation.search([
                                    ('id', 'in', list(sub_ids)),
                                    decoder.decode(domain),
                                    ], order=[])))
            refused = [i for r in set(relations) - accepted
                for i in relations[r]]
            if refused:
                validate(Model, refused, {name})


def validate(Model, ids, field_names=None):
    """Validate the records as ModelStorage._after_create and _after_write
    do: a slice of the record cache's size at a time, the field domains
    searched without access checks"""
    transaction = Transaction()
    with without_check_access():
        for sub_ids in grouped_slice(ids, record_cache_size(transaction)):
            Model._validate(Model.browse(sub_ids), field_names=field_names)


def log_rows(Model, ids, event, target):
    """Log `event` on the records as ModelStorage.log does, in one
    statement"""
    if not Model._log or not ids:
        return
    Log = Pool().get('ir.model.log')
    user = Transaction().user
    insert_rows(Log, ['resource', 'user', 'event', 'target'], [
            (f'{Model.__name__},{i}', user, event, target) for i in ids],
        system=True)


def update_rows(Model, columns, values):
    """Set `columns` of the records, `values` being (id, value, ...)
    tuples, in a few statements whatever their number, as ModelSQL.write
    would: the records must be writable by the user's rules before and
    after, and are validated"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    FieldAccess = pool.get('ir.model.field.access')
    ModelAccess.check(Model.__name__, 'write')
    FieldAccess.check(Model.__name__, columns, 'write')
    if not values:
        return
    transaction = Transaction()
    ids = [v[0] for v in values]
    check_rules(Model, ids, 'write')
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    now = dt.datetime.now().replace(microsecond=0)
    # the values as the ORM stores them (no microseconds in date-times)
    formats = sql_formats(Model, columns)
    written, values = values, [
        (v[0], *(f(x) for f, x in zip(formats, v[1:]))) for v in values]
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
    Model._insert_history(ids)
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            model_cache = cache[Model.__name__]
            for id_ in ids:
                model_cache.pop(id_, None)
    check_rules(Model, ids, 'write')
    if transaction.user and transaction.check_access \
            or transaction.context.get('_log'):
        log_rows(Model, ids, 'write', ','.join(sorted(columns)))
    check_domains(Model, columns, ids, [v[1:] for v in written])


def set_states(Model, ids, state, **values):
    """Move the records `ids` to `state` (setting `values` too) and log the
    transition as Workflow.transition does, in a few statements whatever the
    number of records.  The caller checks that the transition is allowed."""
    if not ids:
        return
    columns = [Model._transition_state] + list(values)
    update_rows(Model, columns,
        [(i, state, *values.values()) for i in ids])
    log_rows(Model, ids, 'transition', f'{Model._transition_state}:{state}')


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
        of _bulk_transition_records or more in a few statements, checked as
        the ORM's write checks them and validated (on SQLite, the exclusion
        constraints)"""
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
    """Create the parties of `people`, (name, identity number) pairs or
    (name, number, identifier type) triples whose numbers were checked
    (a pair is a resident identity card, cn_ric); return the party ids in
    the same order.

    The values are those the ORM's create stores (new_values); the party
    codes are taken from the party sequence in one call."""
    pool = Pool()
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    people = [(p[0], p[1], p[2] if len(p) > 2 else 'cn_ric')
        for p in people]
    sequence = Party._code_sequence()
    if not sequence or not people:
        parties = Party.create([{
                    'name': name,
                    'identifiers': [('create', [{
                                    'type': type_, 'code': number}])],
                    } for name, number, type_ in people])
        return [p.id for p in parties]
    codes = sequence.get_many(len(people))
    party_ids = insert_values(Party, new_values(Party, [
                {'name': name, 'code': code}
                for (name, _, _), code in zip(people, codes)]),
        given=['name', 'identifiers'])
    # an identifier's compute_fields computes again what its
    # preprocess_values gave (the formatted and compact codes), checking
    # the number once more: 1 s for 10,000 numbers the arrival list reader
    # checked
    insert_values(Identifier, new_values(Identifier, [
                {'party': party_id, 'type': type_, 'code': number}
                for party_id, (_, number, type_) in zip(party_ids, people)],
            compute=False),
        given=['party', 'type', 'code'])
    return party_ids


def new_values(Model, vlist, compute=True):
    """The values of new records as the ORM's create stores them: the
    model's preprocess_values, its defaults and, with `compute`, what its
    compute_fields computes of them (a party's searchable codes), without
    the empty values of the fields stored elsewhere"""
    if not vlist:
        return []
    with without_check_access():
        vlist = [Model.preprocess_values('create', v) for v in vlist]
        defaults = default_values(Model, vlist[0].keys())
        result = []
        for values in vlist:
            values = {**defaults, **values}
            if compute:
                values.update(Model(**values).compute_fields())
            result.append({n: v for n, v in values.items()
                    if v or not hasattr(Model._fields[n], 'set')})
    return result


def insert_values(Model, vlist, given=None):
    """Insert the records of `vlist` (dictionaries with the same keys) with
    insert_rows; `given` are the fields the caller gave (their field access
    is checked), all by default"""
    columns = list(vlist[0]) if vlist else []
    return insert_rows(Model, columns, [[v[c] for c in columns]
            for v in vlist], given=given)
