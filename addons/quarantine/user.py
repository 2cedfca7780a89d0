# This file is part of the quarantine module.  See README.md for licensing.
from trytond.model import ModelSQL, fields
from trytond.pool import PoolMeta


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    quarantine_sites = fields.Many2Many(
        'res.user-quarantine.site', 'user', 'site', "Isolation Sites",
        help="The sites this user works for.")


class UserSite(ModelSQL):
    "User - Isolation Site"
    __string__ = "User - Isolation Site"
    __name__ = 'res.user-quarantine.site'

    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')
    site = fields.Many2One('quarantine.site', "Site", required=True,
        ondelete='CASCADE')
