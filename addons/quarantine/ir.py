# This file is part of the quarantine module.  See README.md for licensing.
import os
import tempfile

import polib

from trytond.pool import Pool, PoolMeta


def is_override(path):
    return os.path.basename(os.path.dirname(path)) == 'override'


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        """Also clear the fuzzy flag of the translations a module's
        locale/override/<lang>.po confirms: trytond's override only writes
        a text that differs, so an upstream translation marked fuzzy (not
        shown) with the right text stayed hidden."""
        paths = [po_path] if isinstance(po_path, str) else list(po_path)
        with tempfile.TemporaryDirectory() as folder:
            kept = [cls._existing_targets(lang, path, folder)
                if is_override(path) else path for path in paths]
            result = super().translation_import(lang, module, kept)
        for path in paths:
            if is_override(path):
                cls._confirm_overrides(lang, module, path)
        return result

    @classmethod
    def _existing_targets(cls, lang, path, folder):
        """Return the path of a copy of the override file `path` without
        the entries whose translation is not in the database: trytond's
        override fails on them (a module activated without `lang`, e.g.
        `ir` when the language is loaded by `-u quarantine -l zh_CN` after
        `--all`); they apply when that module's language is loaded"""
        pofile = polib.pofile(path)
        missing = []
        for entry in pofile:
            if entry.obsolete or '.' not in cls.from_poentry(entry)[1]:
                continue
            domain = cls._override_target(lang, entry)
            if not domain or not cls.search(domain, limit=1):
                missing.append(entry)
        if not missing:
            return path
        for entry in missing:
            pofile.remove(entry)
        copy = os.path.join(folder, f'{len(os.listdir(folder))}.po')
        pofile.save(copy)
        return copy

    @classmethod
    def _override_target(cls, lang, entry):
        """Return the domain of the translation an override entry of another
        module changes, or None when the entry names no record here"""
        ModelData = Pool().get('ir.model.data')
        translation, res_id = cls.from_poentry(entry)
        if '.' not in res_id:
            return None
        res_module, fs_id = res_id.split('.', 1)
        if fs_id:
            data = ModelData.search([
                    ('module', '=', res_module),
                    ('fs_id', '=', fs_id),
                    ], limit=1)
            if not data:
                return None
            record_id = data[0].db_id
        else:
            record_id = -1
        domain = [
            ('name', '=', translation.name),
            ('res_id', '=', record_id),
            ('lang', '=', lang),
            ('type', '=', translation.type),
            ('module', '=', res_module),
            ]
        if translation.type in {'report', 'view', 'wizard_button', 'selection'}:
            domain.append(('src', '=', translation.src))
            domain.append(('src_plural', '=', translation.src_plural))
        return domain

    @classmethod
    def _confirm_overrides(cls, lang, module, path):
        to_confirm = []
        for entry in polib.pofile(path):
            if (entry.obsolete or not entry.msgstr
                    or 'fuzzy' in entry.flags or entry.msgid_plural):
                continue
            domain = cls._override_target(lang, entry)
            if domain:
                to_confirm.extend(cls.search(domain + [
                            ('value', '=', entry.msgstr),
                            ('fuzzy', '=', True),
                            ]))
        if to_confirm:
            cls.write(to_confirm, {
                    'fuzzy': False,
                    'overriding_module': module,
                    })


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('quarantine.commission.export|generate_due',
                "Generate the Health Commission's Lists"))
        cls.method.selection.append(
            ('quarantine.staff.test|plan_today',
                "Plan the Staff Tests of the Day"))
