# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from .bounds import check_not_future
from .exceptions import (
    FutureDateError, MonitoringValidationError, StayError)

FEVER = Decimal('37.3')
# The symptoms a reading (or any other health check) lists: Henan L103 ⑦
# (干咳、乏力、嗅觉味觉减退、鼻塞、流涕、咽痛、结膜炎、腹泻、肌痛) and
# shortness of breath; every symptoms field takes this list.
SYMPTOMS = [
    ('cough', "Cough"),
    ('sore_throat', "Sore Throat"),
    ('fatigue', "Fatigue"),
    ('loss_of_smell', "Loss of Smell or Taste"),
    ('diarrhoea', "Diarrhoea"),
    ('breathing', "Shortness of Breath"),
    ('muscle_pain', "Muscle Pain"),
    ('conjunctivitis', "Conjunctivitis"),
    ('nasal_congestion', "Nasal Congestion"),
    ('runny_nose', "Runny Nose"),
    ]


class Monitoring(ModelSQL, ModelView):
    "Health Monitoring Reading"
    __name__ = 'quarantine.monitoring'
    __string__ = "Health Reading"

    stay = fields.Many2One('quarantine.stay', "Stay", required=True,
        ondelete='CASCADE', domain=[('state', '=', 'admitted')])
    site = fields.Function(fields.Many2One('quarantine.site', "Site"),
        'on_change_with_site', searcher='search_site')
    date = fields.Date("Date", required=True)
    period = fields.Selection([
            ('morning', "Morning"),
            ('afternoon', "Afternoon"),
            ], "Period", required=True,
        help="Temperature is taken twice a day.")
    temperature = fields.Numeric("Temperature (°C)", digits=(2, 1),
        required=True)
    symptoms = fields.MultiSelection(SYMPTOMS, "Symptoms")
    abnormal = fields.Function(fields.Boolean("Abnormal",
            help="37.3 °C or more, or any symptom."),
        'on_change_with_abnormal')
    notes = fields.Char("Notes", size=1000)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('period', 'DESC'), ('id', 'DESC')]

    @classmethod
    def validate_fields(cls, readings, field_names):
        super().validate_fields(readings, field_names)
        check_not_future(readings, field_names & {'date'}, FutureDateError)
        if 'temperature' in field_names:
            for reading in readings:
                # Checked here: SQLite compares numeric columns as text.
                if not (30 <= reading.temperature <= 45):
                    raise MonitoringValidationError(gettext(
                            'quarantine.msg_monitoring_temperature'))

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_period():
        return 'morning' if dt.datetime.now().hour < 12 else 'afternoon'

    @fields.depends('stay', '_parent_stay.site')
    def on_change_with_site(self, name=None):
        return self.stay.site.id if self.stay and self.stay.site else None

    @classmethod
    def search_site(cls, name, clause):
        return [('stay.site',) + tuple(clause[1:])]

    @fields.depends('temperature', 'symptoms')
    def on_change_with_abnormal(self, name=None):
        return bool((self.temperature is not None
                and self.temperature >= FEVER) or self.symptoms)

    @classmethod
    def create(cls, vlist):
        readings = super().create(vlist)
        cls.flag_stays(readings)
        return readings

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls.flag_stays(sum(args[::2], []))

    @classmethod
    def flag_stays(cls, readings):
        "Put the stays with an abnormal reading on the medical team's list"
        Stay = Pool().get('quarantine.stay')
        for reading in readings:
            if reading.stay.state != 'admitted':
                raise StayError(gettext(
                        'quarantine.msg_monitoring_not_admitted',
                        stay=reading.stay.rec_name))
        flagged = {r.stay for r in readings if r.abnormal}
        flagged = [s for s in flagged if not s.health_flag]
        if flagged:
            Stay.write(flagged, {'health_flag': True})
