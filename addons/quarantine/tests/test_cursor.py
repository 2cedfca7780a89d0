# This file is part of the quarantine module.  See README.md for licensing.
"""The replacement of trytond's cursor_dict (cursor.py) returns exactly
what trytond's own returns, on the backend the suite runs on"""
import sqlite3
import unittest

from trytond import backend
from trytond.config import config
from trytond.modules.quarantine import cursor as module
from trytond.tools import cursor_dict as tools_cursor_dict

QUERIES = [
    # no row, one row, more rows than a batch, repeated column names, NULLs
    ("SELECT 1 AS a WHERE 1 = 0", []),
    ("SELECT 1 AS a, 'x' AS b", []),
    ("SELECT n AS a, n * 2 AS b, NULL AS c FROM series", []),
    ("SELECT n AS a, n + 1 AS a FROM series", []),
    ]
SERIES = 2500  # more than module.BATCH


def connect():
    "A DB-API connection of the backend the suite runs on, with `series`"
    if backend.name == 'postgresql':
        import psycopg
        uri = config.get('database', 'uri')
        connection = psycopg.connect(uri.rstrip('/') + '/postgres')
        connection.execute("CREATE TEMPORARY TABLE series AS "
            "SELECT generate_series(1, %s) AS n" % SERIES)
    else:
        connection = sqlite3.connect(':memory:')
        connection.execute("CREATE TABLE series (n INTEGER)")
        connection.executemany("INSERT INTO series VALUES (?)",
            [(i,) for i in range(1, SERIES + 1)])
    return connection


class CursorDictTestCase(unittest.TestCase):
    "cursor_dict replacement"

    @classmethod
    def setUpClass(cls):
        cls.connection = connect()

    @classmethod
    def tearDownClass(cls):
        cls.connection.close()

    def rows(self, function, query, *args):
        cursor = self.connection.cursor()
        cursor.execute(query + " ORDER BY 1" if 'series' in query else query)
        return list(function(cursor, *args))

    def test_same_rows_as_trytond(self):
        "The same dictionaries in the same order, whatever the fetch size"
        for query, _ in QUERIES:
            for size in [(), (1,), (7,), (5000,)]:
                with self.subTest(query=query, size=size):
                    expected = self.rows(
                        module.original_cursor_dict, query, *size)
                    self.assertEqual(
                        self.rows(module.cursor_dict, query, *size), expected)
        self.assertEqual(len(self.rows(module.cursor_dict, QUERIES[2][0])),
            SERIES)

    def test_installed_everywhere(self):
        "Registering the module replaced every name trytond imported"
        from trytond.ir import model as ir_model, translation
        from trytond.model import modelsql
        self.assertTrue(module.applies())
        for owner in [modelsql, ir_model, translation]:
            with self.subTest(module=owner.__name__):
                self.assertIs(owner.cursor_dict, module.cursor_dict)
        self.assertIs(tools_cursor_dict, module.cursor_dict)

    def test_guarded_by_version(self):
        "Another trytond series or psycopg major keeps trytond's own"
        self.assertTrue(module.applies('8.0.12', '3.3.9'))
        self.assertFalse(module.applies('8.2.0', '3.3.9'))
        self.assertFalse(module.applies('7.0.5', '3.3.9'))
        self.assertFalse(module.applies('8.0.12', '4.0.0'))
