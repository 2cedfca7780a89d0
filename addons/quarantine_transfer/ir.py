# This file is part of the quarantine_transfer module.  See README.md.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('quarantine.transfer|update_overdue', "Flag Overdue Transfers"))
