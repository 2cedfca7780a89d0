# This file is part of the quarantine_supply module.  See README.md.
from trytond.model import Check, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Id


def _sequence(xml_id):
    try:
        return Pool().get('ir.model.data').get_id('quarantine_supply', xml_id)
    except KeyError:
        return None


class Configuration(metaclass=PoolMeta):
    __name__ = 'quarantine.configuration'

    supply_plan_sequence = fields.Many2One('ir.sequence',
        "Stocking Plan Sequence",
        domain=[('sequence_type', '=',
                Id('quarantine_supply', 'sequence_type_supply'))])
    supply_dispatch_sequence = fields.Many2One('ir.sequence',
        "Dispatch Sequence",
        domain=[('sequence_type', '=',
                Id('quarantine_supply', 'sequence_type_supply'))])
    default_reserve_days = fields.Integer("Default Reserve Days",
        required=True,
        help="Days of grain, oil and essentials a stocking plan covers "
        "(Chongqing: at least 15 days).")
    reorder_days = fields.Integer("Reorder Days", required=True,
        help="The order points of a confirmed plan ask for supplies when "
        "the stock falls below this many days of the norm.")
    driver_test_hours = fields.Integer("Driver Test Validity (hours)",
        required=True,
        help="A truck leaves only if its driver's latest negative test is "
        "younger than this.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('default_reserve_days_positive',
                Check(t, t.default_reserve_days > 0),
                'quarantine_supply.msg_reserve_days_positive'),
            ('reorder_days_positive', Check(t, t.reorder_days > 0),
                'quarantine_supply.msg_reorder_days_positive'),
            ('driver_test_hours_positive',
                Check(t, t.driver_test_hours > 0),
                'quarantine_supply.msg_driver_test_hours_positive'),
            ]

    @classmethod
    def default_default_reserve_days(cls):
        return 15

    @classmethod
    def default_reorder_days(cls):
        return 7

    @classmethod
    def default_driver_test_hours(cls):
        return 48

    @classmethod
    def default_supply_plan_sequence(cls):
        return _sequence('sequence_supply_plan')

    @classmethod
    def default_supply_dispatch_sequence(cls):
        return _sequence('sequence_supply_dispatch')
