# This file is part of the quarantine_transfer module.  See README.md.
"The three-part handover form (Henan L539), drawn by reports/"
from reports.handover import render_blank_handover, render_handover
from reports.identity import mask_identity

from trytond.modules.quarantine.entry import document_of
from trytond.modules.quarantine.privacy import log_personal_data
from trytond.modules.quarantine.report import FormReport, PDFReport, minute
from trytond.pool import Pool


class HandoverForm(FormReport):
    __name__ = 'quarantine.transfer.handover'
    draw = staticmethod(render_handover)

    @classmethod
    def form(cls, transfer):
        log_personal_data(cls.__name__, [transfer.to_site] + [
                l.stay.site for l in transfer.lines if l.stay],
            len(transfer.lines), [transfer])
        destination = (transfer.to_site.rec_name if transfer.to_site
            else transfer.destination or '')
        Line = Pool().get('quarantine.transfer.line')
        symptoms = dict(Line.get_symptoms())
        return {
            'number': transfer.number or '',
            'persons': [{
                    'name': line.person.rec_name,
                    'identity_number': mask_identity(
                        document_of(line.person)[1]),
                    'phone': line.phone or '',
                    'category': line.category_string or '',
                    'boarding': cls.boarding(line, symptoms),
                    } for line in transfer.lines],
            'escorts': transfer.escorts or '',
            'vehicle': transfer.vehicle.plate if transfer.vehicle else '',
            'driver': transfer.driver or '',
            'driver_phone': transfer.driver_phone or '',
            'origin': transfer.origin or '',
            'destination': destination,
            'requested_at': minute(transfer.requested_at),
            'dispatched_at': minute(transfer.dispatched_at),
            'arrived_at': minute(transfer.arrived_at),
            'notes': '',
            'received_count': ('' if transfer.received_count is None
                else str(transfer.received_count)),
            'count_mismatch_reason': transfer.count_mismatch_reason or '',
            }

    @staticmethod
    def boarding(line, symptoms):
        """The boarding check of a person (Henan L525): the temperature
        and the symptoms found, '' when not checked yet (written by hand)"""
        temperature = (f'{line.boarding_temperature}℃'
            if line.boarding_temperature is not None else '')
        found = '、'.join(
            symptoms.get(s, s) for s in line.boarding_symptoms or [])
        return ' '.join(v for v in [temperature, found] if v)


class BlankHandoverForm(PDFReport):
    "A form to fill by hand when the system is down"
    __name__ = 'quarantine.transfer.handover_blank'

    @classmethod
    def render(cls, report, report_context):
        return render_blank_handover()
