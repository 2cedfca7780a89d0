# This file is part of the quarantine_supply module.  See README.md.
"""The drivers' tests: a truck leaves only with a driver tested negative
recently (configuration: driver_test_hours)."""
from trytond.model import ModelSQL, ModelView, fields


class DriverTest(ModelSQL, ModelView):
    "Driver Test"
    __name__ = 'quarantine.supply.driver_test'
    __string__ = "Driver Test"

    driver = fields.Many2One('party.party', "Driver", required=True,
        ondelete='CASCADE')
    tested_at = fields.DateTime("Sampled at", required=True)
    result = fields.Selection([
            ('negative', "Negative"),
            ('positive', "Positive"),
            ], "Result", required=True)
    institution = fields.Char("Institution")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('tested_at', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_result():
        return 'negative'

    @classmethod
    def latest(cls, drivers):
        "Return {driver id: latest test}"
        result = {}
        for test in cls.search([
                    ('driver', 'in', [d.id for d in drivers]),
                    ], order=[('tested_at', 'ASC')]):
            result[test.driver.id] = test
        return result
