# Shared by the tests that cross modules (tests/).
"""The backend markers of pytest.ini, applied in one place:
`postgresql_only` tests are skipped unless TRYTOND_DATABASE__URI names a
PostgreSQL server (scripts/test.sh runs them in its PostgreSQL pass)."""
import pytest

from rpc_harness import pg_uri


def pytest_collection_modifyitems(config, items):
    if pg_uri():
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set TRYTOND_DATABASE__URI=postgresql://...")
    for item in items:
        if item.get_closest_marker('postgresql_only'):
            item.add_marker(skip)
