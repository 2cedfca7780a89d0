# This file is part of the quarantine module.  See README.md for licensing.
from trytond.i18n import gettext
from trytond.model import Check, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import RegimeValidationError

# The shipped regimes without tests after release (see regime.xml): the
# post-release tests of days 2 and 7 follow the centralised isolation of
# close contacts (Henan L125 「解除隔离后第2、第7天各“双采双检”1次」); the
# secondary contacts' 7 days end with their day-7 pair (L125) and health
# monitoring ends with its own pair (L21, L25), nothing after
WITHOUT_POST_RELEASE_TESTS = {
    'regime_health_monitoring', 'regime_secondary_contact'}


class Regime(ModelSQL, ModelView):
    "Isolation Regime"
    __name__ = 'quarantine.regime'
    __string__ = "Isolation Regime"

    name = fields.Char("Name", size=100, required=True, translate=True)
    code = fields.Char("Code", size=30, required=True)
    duration_days = fields.Integer("Centralised Days", required=True,
        help="Days of centralised isolation; day 1 is the start date.")
    test_days = fields.Char("Test Days", size=200,
        help="Protocol days of the nucleic acid tests, comma separated, "
        "e.g. 1,4,7,10,14.")
    exit_dual_sampling = fields.Boolean("Exit Dual Sampling",
        help="On the last day two specimens are taken by different "
        "institutions with different reagents.")
    count_from = fields.Selection([
            ('exposure', "Last Exposure"),
            ('arrival', "Arrival"),
            ], "Count From", required=True,
        help="The date that is protocol day 1.")
    home_monitoring_days = fields.Integer("Home Monitoring Days",
        help="Days of home monitoring after release (the 7 + 7 regime).")
    post_release_tests = fields.Boolean("Post-Release Tests",
        help="After release, tests at home on days 2 and 7, two specimens "
        "each: the close contacts' centralised isolation (Henan L125).")
    description = fields.Text("Description", size=10000, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'quarantine.msg_regime_code_unique'),
            ('duration_positive', Check(t, t.duration_days >= 1),
                'quarantine.msg_regime_duration_positive'),
            ('home_monitoring_positive',
                Check(t, t.home_monitoring_days >= 0),
                'quarantine.msg_regime_home_monitoring_positive'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def __register__(cls, module_name):
        table_h = cls.__table_handler__(module_name)
        added = not table_h.column_exist('post_release_tests')
        super().__register__(module_name)
        cls._migrate_health_monitoring(module_name)
        if added:
            cls._migrate_post_release_tests(module_name)

    @classmethod
    def _migrate_health_monitoring(cls, module_name):
        """The shipped health monitoring regime (noupdate) tested on days 1,
        4 and 7 with one exit specimen; the plan tests on days 1, 3, 5 and 7
        (Henan L25) with two specimens at the end (L21).  A database that
        still holds the old shipped values gets the new ones; a regime an
        administrator changed is left as it is."""
        ModelData = Pool().get('ir.model.data')
        table = cls.__table__()
        data = ModelData.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*data.select(data.db_id,
                where=(data.module == module_name)
                & (data.fs_id == 'regime_health_monitoring')
                & (data.model == cls.__name__)))
        row = cursor.fetchone()
        if not row or row[0] is None:
            return
        cursor.execute(*table.update(
                [table.test_days, table.exit_dual_sampling],
                ['1,3,5,7', True],
                where=(table.id == row[0]) & (table.test_days == '1,4,7')
                & (table.duration_days == 7)
                & (table.exit_dual_sampling == False)))  # noqa: E712

    @classmethod
    def _migrate_post_release_tests(cls, module_name):
        """The column is new: every regime got the default (tests after
        release, as all of them had), but the shipped health monitoring
        (Henan L25) and secondary contacts (L125) regimes have none: their
        records are noupdate, so their new value is written here"""
        ModelData = Pool().get('ir.model.data')
        table = cls.__table__()
        data = ModelData.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*data.select(data.db_id,
                where=(data.module == module_name)
                & data.fs_id.in_(list(WITHOUT_POST_RELEASE_TESTS))
                & (data.model == cls.__name__)))
        ids = [i for i, in cursor if i is not None]
        if ids:
            cursor.execute(*table.update([table.post_release_tests], [False],
                    where=table.id.in_(ids)))

    @staticmethod
    def default_post_release_tests():
        return True

    @staticmethod
    def default_count_from():
        return 'arrival'

    @staticmethod
    def default_home_monitoring_days():
        return 0

    @property
    def test_day_list(self):
        "The protocol days of the tests, sorted"
        return sorted({int(d) for d in (self.test_days or '').replace(
                    '，', ',').split(',') if d.strip()})

    @classmethod
    def validate_fields(cls, regimes, field_names):
        super().validate_fields(regimes, field_names)
        if field_names & {'test_days', 'duration_days'}:
            for regime in regimes:
                regime.check_test_days()

    def check_test_days(self):
        try:
            days = self.test_day_list
        except ValueError:
            days = None
        if days is None or any(
                d < 1 or d > self.duration_days for d in days):
            raise RegimeValidationError(gettext(
                    'quarantine.msg_regime_test_days',
                    regime=self.rec_name, days=self.test_days,
                    duration=self.duration_days))
