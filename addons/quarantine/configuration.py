# This file is part of the quarantine module.  See README.md for licensing.
from trytond.model import Check, ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Quarantine Configuration"
    __string__ = "Quarantine Configuration"
    __name__ = 'quarantine.configuration'

    residents_per_medical_staff = fields.Integer(
        "Residents per Medical Staff", required=True,
        help="How many residents one medical staff member may look after.\n"
        "50 follows the product card (1:50); the Henan plan v2.0 reads "
        "2:50, that is 25.")
    minimum_site_rooms = fields.Integer(
        "Minimum Site Rooms", required=True,
        help="Activating a site with fewer rooms asks for a confirmation "
        "(Henan: in principle not fewer than 100 rooms).")
    expansion_alert = fields.Float(
        "Expansion Alert", required=True, digits=(1, 2),
        help="Occupancy rate (0-1) at which a site or an area must expand "
        "(Henan, Chongqing: 75%).")
    reserve_rooms_per_10k = fields.Integer(
        "Reserve Rooms per 10,000 People", required=True,
        help="Default reserve norm of a new administrative area "
        "(Henan: 40, Chongqing: 60).")
    staff_per_100_rooms = fields.Integer(
        "Staff per 100 Rooms", required=True,
        help="Minimum staff of a site per 100 rooms (Henan: 15).")
    other_staff_factor = fields.Integer(
        "Other Staff per Medical Staff", required=True,
        help="Minimum number of non-medical staff per required medical "
        "staff member (Henan: 3 to 4).")
    infection_control_minimum = fields.Integer(
        "Minimum Infection Control Staff", required=True,
        help="Infection-control professionals an active site needs "
        "(Henan: 1 to 2).")

    elderly_age = fields.Integer("Elderly Age", required=True,
        help="Residents of this age or older are given an accessible or "
        "low-floor room first, as those with a disability are.")

    result_hours_contact = fields.Integer(
        "Contacts' Results Due (hours)", required=True,
        help="A contact's nucleic acid result is due this many hours after "
        "the sample is collected (Henan, Ruijin: 6 hours for the key "
        "groups).")
    result_hours_other = fields.Integer(
        "Other Results Due (hours)", required=True,
        help="The result of any other resident is due this many hours "
        "after collection (Henan, Ruijin: 12 hours).")

    daily_report_hour = fields.Integer("Daily Report Deadline (hour)",
        required=True,
        help="Each site's daily report is due before this hour (Zhejiang: "
        "the isolation lists before 09:00).")
    daily_report_day_offset = fields.Integer(
        "Daily Report Deadline (days after)", required=True,
        help="The report of a day is due at the deadline hour this many "
        "days later: 1, the report of day D by 09:00 of day D + 1.")
    # the health commission's lists (Zhejiang L34): each is due at its hour
    # of the day it covers plus its days
    commission_positives_hour = fields.Integer(
        "New Positives List Hour", required=True,
        help="The list of the new positives of a day is due before this "
        "hour (Zhejiang: 08:00)...")
    commission_positives_days = fields.Integer(
        "New Positives List Days After", required=True,
        help="...of the day it covers plus these days (Zhejiang: 1, the "
        "next morning).")
    commission_contacts_hour = fields.Integer(
        "Close Contacts List Hour", required=True,
        help="The list of the close contacts entered on a day is due "
        "before this hour (Zhejiang: 22:00)...")
    commission_contacts_days = fields.Integer(
        "Close Contacts List Days After", required=True,
        help="...of the day it covers plus these days (Zhejiang: 0, the "
        "same day).")
    commission_feedback_hour = fields.Integer(
        "Landing Feedback Hour", required=True,
        help="The feedback on a day's close contacts (landed or not) is "
        "due before this hour (Zhejiang: 18:00)...")
    commission_feedback_days = fields.Integer(
        "Landing Feedback Days After", required=True,
        help="...of the day it covers plus these days (Zhejiang: 1, the "
        "next day).")
    commission_lead_minutes = fields.Integer(
        "Lists Generated Minutes Before", required=True,
        help="The scheduled job generates each list this many minutes "
        "before its deadline.")
    certificate_sequence = fields.Many2One('ir.sequence',
        "Release Certificate Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('quarantine', 'sequence_type_certificate'))],
        help="Numbers the release certificates (解除集中医学观察证明).")
    certificate_key = fields.Function(fields.Char("Certificate Key",
            help="The key that signs the verification codes of the new "
            "certificates; the certificates signed by the former keys stay "
            "valid."),
        'get_certificate_key')
    verification_url = fields.Char("Verification Address",
        help="The public address of this server, e.g. "
        "https://jc.example.gov.cn: the QR code of a certificate opens "
        "<address>/<database>/quarantine/verify. Empty: the address the "
        "certificate is printed from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('daily_report_hour_range',
                Check(t, (t.daily_report_hour >= 0)
                    & (t.daily_report_hour <= 23)),
                'quarantine.msg_configuration_daily_report_hour'),
            ('daily_report_day_offset_positive',
                Check(t, t.daily_report_day_offset >= 0),
                'quarantine.msg_configuration_daily_report_day_offset'),
            ('commission_hours_range', Check(t,
                    (t.commission_positives_hour >= 0)
                    & (t.commission_positives_hour <= 23)
                    & (t.commission_contacts_hour >= 0)
                    & (t.commission_contacts_hour <= 23)
                    & (t.commission_feedback_hour >= 0)
                    & (t.commission_feedback_hour <= 23)),
                'quarantine.msg_configuration_commission_hour'),
            ('commission_days_range', Check(t,
                    (t.commission_positives_days >= 0)
                    & (t.commission_positives_days <= 7)
                    & (t.commission_contacts_days >= 0)
                    & (t.commission_contacts_days <= 7)
                    & (t.commission_feedback_days >= 0)
                    & (t.commission_feedback_days <= 7)
                    & (t.commission_lead_minutes >= 0)
                    & (t.commission_lead_minutes <= 1440)),
                'quarantine.msg_configuration_commission_days'),
            ('residents_per_medical_staff_positive',
                Check(t, t.residents_per_medical_staff > 0),
                'quarantine.msg_configuration_ratio_positive'),
            ('expansion_alert_rate', Check(t,
                    (t.expansion_alert > 0) & (t.expansion_alert <= 1)),
                'quarantine.msg_configuration_expansion_alert'),
            ('elderly_age_positive', Check(t, t.elderly_age > 0),
                'quarantine.msg_configuration_elderly_age'),
            ('result_hours_positive', Check(t,
                    (t.result_hours_contact > 0)
                    & (t.result_hours_other > 0)),
                'quarantine.msg_configuration_result_hours'),
            ('figures_positive', Check(t,
                    (t.minimum_site_rooms >= 0)
                    & (t.reserve_rooms_per_10k >= 0)
                    & (t.staff_per_100_rooms >= 0)
                    & (t.other_staff_factor >= 0)
                    & (t.infection_control_minimum >= 0)),
                'quarantine.msg_configuration_negative'),
            ]
        cls._buttons.update({
                'rotate_certificate_key': {
                    'icon': 'tryton-refresh',
                    },
                })

    @classmethod
    def default_daily_report_hour(cls):
        return 9

    @classmethod
    def default_daily_report_day_offset(cls):
        return 1

    @classmethod
    def default_commission_positives_hour(cls):
        return 8

    @classmethod
    def default_commission_positives_days(cls):
        return 1

    @classmethod
    def default_commission_contacts_hour(cls):
        return 22

    @classmethod
    def default_commission_contacts_days(cls):
        return 0

    @classmethod
    def default_commission_feedback_hour(cls):
        return 18

    @classmethod
    def default_commission_feedback_days(cls):
        return 1

    @classmethod
    def default_commission_lead_minutes(cls):
        return 60

    @classmethod
    def default_elderly_age(cls):
        return 65

    @classmethod
    def default_result_hours_contact(cls):
        return 6

    @classmethod
    def default_result_hours_other(cls):
        return 12

    @classmethod
    def default_residents_per_medical_staff(cls):
        return 50

    @classmethod
    def default_minimum_site_rooms(cls):
        return 100

    @classmethod
    def default_expansion_alert(cls):
        return 0.75

    @classmethod
    def default_reserve_rooms_per_10k(cls):
        return 40

    @classmethod
    def default_staff_per_100_rooms(cls):
        return 15

    @classmethod
    def default_other_staff_factor(cls):
        return 3

    @classmethod
    def default_infection_control_minimum(cls):
        return 1

    @classmethod
    def default_certificate_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('quarantine', 'sequence_certificate')
        except KeyError:
            return None

    def get_certificate_sequence(self):
        return self.certificate_sequence

    def get_certificate_key(self, name):
        CertificateKey = Pool().get('quarantine.certificate.key')
        return CertificateKey.current(make=False)

    @classmethod
    @ModelView.button
    def rotate_certificate_key(cls, configurations):
        """Sign the next certificates with a new key (when the key may have
        leaked); the certificates already printed stay valid"""
        CertificateKey = Pool().get('quarantine.certificate.key')
        CertificateKey.rotate()
