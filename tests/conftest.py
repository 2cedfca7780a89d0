# Shared by the tests that cross modules (tests/).
"""The backend markers of pytest.ini, applied in one place:
`postgresql_only` tests are skipped unless TRYTOND_DATABASE__URI names a
PostgreSQL server (scripts/test.sh runs them in its PostgreSQL pass)."""
import os

import pytest


def postgresql_uri():
    "The PostgreSQL URI the tests run on, or '' on another backend"
    uri = (os.environ.get('TRYTOND_DATABASE__URI')
        or os.environ.get('TRYTOND_DATABASE_URI') or '')
    return uri if uri.startswith('postgresql') else ''


def pytest_collection_modifyitems(config, items):
    if postgresql_uri():
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set TRYTOND_DATABASE__URI=postgresql://...")
    for item in items:
        if item.get_closest_marker('postgresql_only'):
            item.add_marker(skip)
