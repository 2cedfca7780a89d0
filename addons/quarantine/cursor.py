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
rows and their order are unchanged.

`install` is called once, when trytond registers the module
(`__init__.py`), and only on the trytond and psycopg series it was measured
with (MEASURED_ON): on another one trytond's own function stays.  The text
of the upstream report is docs/upstream-cursor-dict.md; drop this file when
trytond reads the description once per result."""
import sys
from importlib.metadata import PackageNotFoundError, version

from trytond import __version__ as trytond_version
from trytond import tools

BATCH = 1000
# (trytond series, psycopg major versions) this replacement was measured with
MEASURED_ON = ('8.0', {'3'})
original_cursor_dict = tools.cursor_dict


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


def applies(trytond=trytond_version, psycopg=None):
    "Whether the versions are those the replacement was measured with"
    if psycopg is None:
        try:
            psycopg = version('psycopg')
        except PackageNotFoundError:
            return False
    series, psycopg_majors = MEASURED_ON
    return (trytond.split('.')[:2] == series.split('.')
        and psycopg.split('.')[0] in psycopg_majors)


def install():
    """Replace trytond's cursor_dict in trytond.tools and in every trytond
    module that imported the name before; return whether it was replaced"""
    if not applies():
        return False
    for name, module in list(sys.modules.items()):
        if (name == 'trytond' or name.startswith('trytond.')) and (
                getattr(module, 'cursor_dict', None)
                is original_cursor_dict):
            module.cursor_dict = cursor_dict
    return True
