# This file is part of the quarantine_supply module.  See README.md.
"""The drivers' tests: a truck leaves only with a driver tested negative
recently (configuration: driver_test_hours)."""
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.quarantine.bounds import check_not_future
from trytond.modules.quarantine.exceptions import FutureDateError


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
    institution = fields.Char("Institution", size=100)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('tested_at', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_result():
        return 'negative'

    @classmethod
    def validate_fields(cls, tests, field_names):
        super().validate_fields(tests, field_names)
        check_not_future(tests, field_names & {'tested_at'}, FutureDateError)

    @classmethod
    def latest(cls, drivers):
        "Return {driver id: latest test}"
        result = {}
        for test in cls.search([
                    ('driver', 'in', [d.id for d in drivers]),
                    ], order=[('tested_at', 'ASC')]):
            result[test.driver.id] = test
        return result
