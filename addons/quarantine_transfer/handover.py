# This file is part of the quarantine_transfer module.  See README.md.
"The three-part handover form (Henan L539), drawn by reports/"
from reports.handover import render_blank_handover, render_handover
from reports.identity import mask_identity

from trytond.modules.quarantine.entry import document_of
from trytond.modules.quarantine.privacy import log_personal_data
from trytond.modules.quarantine.report import FormReport, PDFReport, minute


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
        return {
            'number': transfer.number or '',
            'persons': [{
                    'name': line.person.rec_name,
                    'identity_number': mask_identity(
                        document_of(line.person)[1]),
                    'phone': line.phone or '',
                    'category': line.category_string or '',
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
            }


class BlankHandoverForm(PDFReport):
    "A form to fill by hand when the system is down"
    __name__ = 'quarantine.transfer.handover_blank'

    @classmethod
    def render(cls, report, report_context):
        return render_blank_handover()
