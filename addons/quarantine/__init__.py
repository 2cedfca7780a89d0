# This file is part of the quarantine module.  See README.md for licensing.
# trytond imports this package once, when it registers the module's classes
# from tryton.cfg: the one place where the module changes the framework, and
# where it adds its routes to trytond's WSGI application (as trytond.ir does).
from . import cursor, routes

cursor.install()

__all__ = ['routes']
