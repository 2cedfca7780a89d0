# This file is part of the quarantine module.  See README.md for licensing.
import os

import polib

from trytond.pool import Pool, PoolMeta


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        """Also clear the fuzzy flag of the translations a module's
        locale/override/<lang>.po confirms: trytond's override only writes
        a text that differs, so an upstream translation marked fuzzy (not
        shown) with the right text stayed hidden."""
        result = super().translation_import(lang, module, po_path)
        paths = [po_path] if isinstance(po_path, str) else po_path
        for path in paths:
            if os.path.basename(os.path.dirname(path)) == 'override':
                cls._confirm_overrides(lang, module, path)
        return result

    @classmethod
    def _confirm_overrides(cls, lang, module, path):
        ModelData = Pool().get('ir.model.data')
        to_confirm = []
        for entry in polib.pofile(path):
            if (entry.obsolete or not entry.msgstr
                    or 'fuzzy' in entry.flags or entry.msgid_plural):
                continue
            type_, name, res_id = entry.msgctxt.split(':')
            res_module, fs_id = res_id.split('.', 1)
            if fs_id:
                data = ModelData.search([
                        ('module', '=', res_module),
                        ('fs_id', '=', fs_id),
                        ], limit=1)
                if not data:
                    continue
                record_id = data[0].db_id
            else:
                record_id = -1
            domain = [
                ('lang', '=', lang),
                ('module', '=', res_module),
                ('type', '=', type_),
                ('name', '=', name),
                ('res_id', '=', record_id),
                ('value', '=', entry.msgstr),
                ('fuzzy', '=', True),
                ]
            if type_ in {'report', 'view', 'wizard_button', 'selection'}:
                domain.append(('src', '=', entry.msgid))
            to_confirm.extend(cls.search(domain))
        if to_confirm:
            cls.write(to_confirm, {
                    'fuzzy': False,
                    'overriding_module': module,
                    })
