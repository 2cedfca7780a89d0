# This file is part of the quarantine module.  See README.md for licensing.
"""Read query results as dictionaries without asking psycopg 3 for the
columns on every row.

trytond's `cursor_dict` zips each row with `cursor.description`, and
psycopg 3 builds that list of Column objects anew on each access: reading
the 594 purchase lines of a city's stocking plan built 1 million of them and
spent 1.0 s there (`make bench`, bench_supply_plan.py).  The description is
the same for every row of a result, so it is read once per result here.
trytond fetches `cursor.arraysize` rows at a time, and psycopg 3's default
is 1: a read of the 4,000 sites of a province fetched them one by one.
The rows are already on the client, so they are taken 1,000 at a time; the
rows and their order are unchanged.  Installed when the module is imported,
for every model: `ModelSQL.read` and `search` use it."""
from trytond import tools
from trytond.model import modelsql


BATCH = 1000


def cursor_dict(cursor, size=None):
    size = max(cursor.arraysize if size is None else size, BATCH)
    names = None
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            break
        if names is None:
            names = [d[0] for d in cursor.description]
        for row in rows:
            yield dict(zip(names, row))


def install():
    tools.cursor_dict = cursor_dict
    modelsql.cursor_dict = cursor_dict
