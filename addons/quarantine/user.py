# This file is part of the quarantine module.  See README.md for licensing.
import math

import trytond.config as config
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.res.user import PasswordError
from trytond.transaction import Transaction


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    quarantine_sites = fields.Many2Many(
        'res.user-quarantine.site', 'user', 'site', "Isolation Sites",
        help="The sites this user works for.")
    _quarantine_scope_cache = Cache(
        'res.user.get_quarantine_scope', context=False)
    quarantine_areas = fields.Many2Many(
        'res.user-quarantine.area', 'user', 'area', "Areas",
        help="A district administrator sees the sites of these areas (and "
        "of their sub-areas) only; leave empty for the whole city.")

    @classmethod
    def validate_password(cls, password, users):
        """Also refuse a password of too few different characters: at
        least [password] entropy x [password] length of them (trytond 8
        checks the length only), e.g. 8 with length = 10, entropy = 0.75"""
        super().validate_password(password, users)
        entropy = config.getfloat('password', 'entropy', default=0)
        length = config.getint('password', 'length', default=0)
        required = math.ceil(entropy * length)
        if len(set(password)) < required:
            raise PasswordError(gettext('quarantine.msg_password_entropy',
                    count=required))

    @classmethod
    def get_quarantine_scope(cls):
        """Return (site ids, area ids) the current user works for: the
        user's sites and the sites of the user's areas"""
        pool = Pool()
        Site = pool.get('quarantine.site')
        user_id = Transaction().user
        scope = cls._quarantine_scope_cache.get(user_id)
        if scope is not None:
            return scope
        user = cls(user_id)
        areas = tuple(sorted(a.id for a in user.quarantine_areas))
        sites = {s.id for s in user.quarantine_sites}
        if areas:
            with Transaction().set_user(0), \
                    Transaction().set_context(active_test=False):
                sites.update(s.id for s in Site.search([
                            ('area', 'child_of', list(areas), 'parent'),
                            ]))
        return cls._quarantine_scope_cache.set(
            user_id, (tuple(sorted(sites)), areas))


class UserScopeLink:
    "A link of a user to the scope of the user: changing it clears the cache"
    __slots__ = ()

    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('res.user')._quarantine_scope_cache.clear()


class UserSite(UserScopeLink, ModelSQL):
    "User - Isolation Site"
    __string__ = "User - Isolation Site"
    __name__ = 'res.user-quarantine.site'

    site = fields.Many2One('quarantine.site', "Site", required=True,
        ondelete='CASCADE')


class UserArea(UserScopeLink, ModelSQL):
    "User - Area"
    __string__ = "User - Area"
    __name__ = 'res.user-quarantine.area'

    area = fields.Many2One('quarantine.area', "Area", required=True,
        ondelete='CASCADE')


class Rule(metaclass=PoolMeta):
    """Record rules may say `quarantine_sites` (the ids of the sites the
    user works for) and `quarantine_areas` (the ids of the user's areas)"""
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "quarantine_sites" as list of ids of the user\'s sites'
            '\n- "quarantine_areas" as list of ids of the user\'s areas')

    @classmethod
    def _get_cache_key(cls, model_names):
        User = Pool().get('res.user')
        return (*super()._get_cache_key(model_names),
            User.get_quarantine_scope())

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        sites, areas = User.get_quarantine_scope()
        context['quarantine_sites'] = list(sites)
        context['quarantine_areas'] = list(areas)
        return context


class UserGroup(metaclass=PoolMeta):
    "Changes to a user's groups are kept (res_user-res_group__history)"
    __name__ = 'res.user-res.group'
    _history = True
