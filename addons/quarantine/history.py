# This file is part of the quarantine module.  See README.md for licensing.
"""Who changed what and when, read back from the records' history tables
(`_history = True` keeps every version of a row in <table>__history)."""
from collections import defaultdict

from sql import Column

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction


def change_logs(Model, records, field_names):
    """Return {record id: text} listing, oldest first, each version of the
    records that changed one of `field_names`, with who and when"""
    pool = Pool()
    User = pool.get('res.user')
    history = Model.__table_history__()
    cursor = Transaction().connection.cursor()
    ids = [r.id for r in records]
    versions = defaultdict(list)
    columns = [Column(history, n) for n in field_names]
    for index in range(0, len(ids), 500):
        cursor.execute(*history.select(
                history.id, history.write_date, history.create_date,
                history.write_uid, history.create_uid, *columns,
                where=history.id.in_(ids[index:index + 500]),
                order_by=[history.id, Column(history, '__id')]))
        for row in cursor:
            versions[row[0]].append(row)
    definitions = Model.fields_get(field_names)
    targets = defaultdict(set)
    for rows in versions.values():
        for row in rows:
            for name, value in zip(field_names, row[5:]):
                if definitions[name]['type'] == 'many2one' and value:
                    targets[definitions[name]['relation']].add(value)
    names = {}
    for relation, target_ids in targets.items():
        Target = pool.get(relation)
        with Transaction().set_context(active_test=False):
            for target in Target.browse(list(target_ids)):
                names[relation, target.id] = target.rec_name
    users = {u.id: u.rec_name for u in User.browse(list({
                    row[3] or row[4] for rows in versions.values()
                    for row in rows if row[3] or row[4]}))}

    def label(name, value):
        definition = definitions[name]
        if value is None or value == '':
            return '—'
        if definition['type'] == 'many2one':
            return names.get((definition['relation'], value), str(value))
        if definition['type'] == 'selection':
            return dict(definition['selection']).get(value, value)
        if definition['type'] == 'boolean':
            return '✓' if value else '✗'
        return str(value)

    result = {}
    for record_id in ids:
        lines, previous = [], None
        for row in versions.get(record_id, []):
            values = row[5:]
            if previous is None:
                changes = [gettext('quarantine.msg_history_created')]
            else:
                changes = [f"{definitions[n]['string']}: {label(n, old)} → "
                    f"{label(n, new)}" for n, old, new in zip(
                        field_names, previous, values) if old != new]
            previous = values
            if not changes:
                continue
            when = row[1] or row[2]
            who = users.get(row[3] or row[4], '')
            lines.append(f"{when:%Y-%m-%d %H:%M} {who}: "
                + '; '.join(changes))
        result[record_id] = '\n'.join(lines)
    return result
