# This file is part of the quarantine_supply module.  See README.md.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Site(metaclass=PoolMeta):
    __name__ = 'quarantine.site'

    warehouse = fields.Many2One('stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')], ondelete='RESTRICT',
        help="The site's own stock: supplies are delivered here and its "
        "stocking plans count what is on hand here.")
    handover_point = fields.Char("Contactless Handover Point", size=200,
        help="Where trucks leave the supplies without contact with the "
        "site's staff.")

    @classmethod
    def create(cls, vlist):
        sites = super().create(vlist)
        cls.create_warehouses([s for s in sites if not s.warehouse])
        return sites

    @classmethod
    def copy(cls, sites, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('warehouse')
        return super().copy(sites, default=default)

    @classmethod
    def create_warehouses(cls, sites):
        """Give each site a warehouse whose storage also receives, so a
        delivery is on hand as soon as it is received"""
        if not sites:
            return
        # whoever may create a site gets its warehouse: stock locations
        # are otherwise the stock administrators'
        with without_check_access():
            cls._create_warehouses(sites)

    @classmethod
    def _create_warehouses(cls, sites):
        Location = Pool().get('stock.location')
        storages = Location.create([{
                    'name': site.name, 'code': site.code,
                    'type': 'storage',
                    } for site in sites])
        warehouses = Location.create([{
                    'name': site.name, 'code': site.code,
                    'type': 'warehouse',
                    'input_location': storage.id,
                    'output_location': storage.id,
                    'storage_location': storage.id,
                    } for site, storage in zip(sites, storages)])
        Location.write(*sum(([[storage], {'parent': warehouse.id}]
                    for storage, warehouse in zip(storages, warehouses)),
                []))
        cls.write(*sum(([[site], {'warehouse': warehouse.id}]
                    for site, warehouse in zip(sites, warehouses)), []))
