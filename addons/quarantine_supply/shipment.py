# This file is part of the quarantine_supply module.  See README.md.
"""Internal shipments forced through: the goods of an allocation request or
of a dispatch from a warehouse are moved the day they are handed over, with
no one to assign or pack them in the system."""
from trytond.pool import Pool
from trytond.transaction import Transaction


def ship_internally(deliveries, date):
    """Move goods by internal shipments done on `date`, one a delivery, and
    return the shipments in the order of `deliveries`.

    A delivery is (from location, to location, reference, lines), the lines
    (line, quantity) pairs: the line gives the product and the unit and is
    the origin of its move.  Between warehouses the stock goes through
    transit, out then in."""
    pool = Pool()
    Move = pool.get('stock.move')
    Shipment = pool.get('stock.shipment.internal')
    company = Transaction().context.get('company')
    shipments = [Shipment(
            company=company,
            from_location=source,
            to_location=destination,
            planned_date=date,
            planned_start_date=date,
            effective_date=date,
            effective_start_date=date,
            reference=reference,
            moves=[Move(product=line.product, unit=line.unit,
                    quantity=quantity,
                    from_location=source, to_location=destination,
                    planned_date=date, company=company, origin=line)
                for line, quantity in lines])
        for source, destination, reference, lines in deliveries]
    Shipment.save(shipments)
    Shipment.wait(shipments)
    Shipment.assign_force(shipments)
    in_transit = [s for s in shipments if s.transit_location]
    Shipment.pack(in_transit)
    Shipment.ship(in_transit)
    Shipment.do(shipments)
    return shipments
