# This file is part of the quarantine module.  See README.md for licensing.
"""The strings of Tryton's own modules that a quarantine role meets in the
web client, and which of them the language leaves in English.

What a role reaches is computed from the database, not listed: a user given
the groups of the quarantine roles (the res.group records of the project's
modules, and the upstream groups the logistics officer is given with them)
sees the menus trytond shows them (menu groups, access to the action's
model); the models reachable are the models of these menus and of the
project's modules, then the models whose records their form and list views
show (a many2one opens its record's form, a one2many its lines), as far as
the role may read them (ir.model.access).  Of each model the strings are the
labels, selections and help of the fields its views show, the texts of
these views (pages, groups, labels, buttons), its buttons, its name, and
the actions of its toolbar; plus the visible menus and their actions (tab
titles, the tabs of the list).

A string of module M is translated when M's translation in the language is
filled and not fuzzy; the missing ones are shipped by the project as
overrides (locale/override/<lang>.po of `OVERRIDE_MODULE[M]`, whose
msgctxt names M's ids: "field:party.address,street:party.").
"""
from collections import Counter, namedtuple
from pathlib import Path

import polib
from lxml import etree

from trytond.modules import create_graph, load_translations
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access

PROJECT_MODULES = ('quarantine', 'quarantine_transfer', 'quarantine_supply')
# The upstream groups a role holds besides its quarantine group: the
# logistics officer buys and receives supplies (tests/browser/prepare_data.py
# and the README's role table give them to the logistics user).
UPSTREAM_GROUPS = [
    ('stock', 'group_stock'),
    ('purchase', 'group_purchase'),
    ('purchase_request', 'group_purchase_request'),
    ]
# The project module that overrides an upstream module's strings: one that
# depends on it (an override needs the module's records loaded first).
OVERRIDE_MODULE = {
    'ir': 'quarantine',
    'res': 'quarantine',
    'country': 'quarantine',
    'party': 'quarantine',
    }
DEFAULT_OVERRIDE_MODULE = 'quarantine_supply'
# Models of the reachable views that add no string a user reads
SKIPPED_MODELS = {'ir.attachment', 'ir.note'}
# Selections whose texts are another field's: an identifier's type lists
# the types of the party configuration (get_identifier_types).
SELECTION_SOURCES = {
    'party.identifier,type': 'party.configuration,identifier_types',
    }
VIEW_STRINGS = {'string', 'sum', 'confirm', 'help'}

# The types trytond's override finds by their source text too; a string of
# another type is found by its name alone, so the help texts of a
# selection's values (one name, several texts) cannot be overridden.
SOURCE_KEYED_TYPES = {'report', 'view', 'wizard_button', 'selection'}

Missing = namedtuple('Missing', ['module', 'msgctxt', 'msgid', 'where'])


def load_language(language='zh_CN'):
    """Load every activated module's translations in `language` (with the
    overrides), as `trytond-admin -l <language>` does: a test database has
    the modules' English only"""
    pool = Pool()
    Lang = pool.get('ir.lang')
    Module = pool.get('ir.module')
    lang, = Lang.search([('code', '=', language)])
    Lang.write([lang], {'translatable': True})
    activated = {m.name for m in Module.search([('state', '=', 'activated')])}
    for node in create_graph(activated):
        load_translations(pool, node, [language])


def override_module(module):
    return OVERRIDE_MODULE.get(module, DEFAULT_OVERRIDE_MODULE)


def role_groups():
    "The ids of the groups of the quarantine roles"
    ModelData = Pool().get('ir.model.data')
    data = ModelData.search([
            ('module', 'in', PROJECT_MODULES),
            ('model', '=', 'res.group'),
            ])
    ids = {d.db_id for d in data}
    for module, fs_id in UPSTREAM_GROUPS:
        found = ModelData.search([
                ('module', '=', module), ('fs_id', '=', fs_id)])
        ids.update(d.db_id for d in found)
    return sorted(ids)


def _view_strings(arch):
    "The texts a view shows, of the view's own attributes"
    strings = set()
    for element in etree.fromstring(arch).iter():
        for attribute in VIEW_STRINGS:
            value = element.get(attribute)
            if value:
                strings.add(value)
        if element.tag == 'label' and element.text:
            strings.add(element.text.strip())
    return strings


class Reach:
    "What a user of `groups` reaches in the web client"

    def __init__(self, groups):
        pool = Pool()
        User = pool.get('res.user')
        self.user, = User.create([{
                    'name': 'translation scan',
                    'login': 'quarantine-translation-scan',
                    'groups': [('add', groups)],
                    }])
        self.menus = []
        self.models = {}  # model name: how it is reached
        self.view_fields = {}  # model name: field names shown
        self.view_texts = {}  # model name: view texts (English)
        self.buttons = {}  # model name: button names shown

    def compute(self):
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelAccess = pool.get('ir.model.access')
        IrModel = pool.get('ir.model')
        transaction = Transaction()
        with transaction.set_user(self.user.id), \
                transaction.set_context(language='en'), check_access():
            self.menus = Menu.search([])
            queue = []
            for menu in self.menus:
                for keyword in menu.action_keywords:
                    action = keyword.action
                    if action.type == 'ir.action.act_window':
                        res_model = action.action.res_model
                        if res_model:
                            queue.append((res_model, f'menu {menu.id}'))
            for model in IrModel.search([('module', 'in', PROJECT_MODULES)]):
                queue.append((model.name, 'project model'))

            models_registered = {n for n, _ in pool.iterobject()}
            while queue:
                name, how = queue.pop()
                if name in self.models or name in SKIPPED_MODELS:
                    continue
                if name not in models_registered:
                    continue
                if not ModelAccess.check(name, 'read', raise_exception=False):
                    continue
                self.models[name] = how
                Model = pool.get(name)
                if not hasattr(Model, 'fields_view_get'):
                    continue
                fields, texts, buttons = set(), set(), set()
                for view_type in ['form', 'tree']:
                    try:
                        view = Model.fields_view_get(view_type=view_type)
                    except Exception:
                        continue
                    fields.update(view['fields'])
                    texts |= _view_strings(view['arch'])
                    for element in etree.fromstring(view['arch']).iter(
                            'button'):
                        if element.get('name'):
                            buttons.add(element.get('name'))
                    for field_name, desc in view['fields'].items():
                        relation = desc.get('relation')
                        if relation:
                            queue.append((relation, f'{name}.{field_name}'))
                self.view_fields[name] = fields
                self.view_texts[name] = texts
                self.buttons[name] = buttons
        return self


def _translation_keys(reach):
    """The (type, name, res_id, src or None) of the strings reached, with
    where each is met"""
    pool = Pool()
    Button = pool.get('ir.model.button')
    Keyword = pool.get('ir.action.keyword')
    Domain = pool.get('ir.action.act_window.domain')
    keys = {}
    for name in reach.models:
        Model = pool.get(name)
        owners = [name] + list(getattr(Model, '_inherits', {}))
        for field_name in reach.view_fields.get(name, ()):
            for owner in owners:
                for type_ in ['field', 'help', 'selection']:
                    keys.setdefault(
                        (type_, f'{owner},{field_name}', -1, None),
                        f'{name} view field {field_name}')
                source = SELECTION_SOURCES.get(f'{owner},{field_name}')
                if source:
                    keys.setdefault(('selection', source, -1, None),
                        f'{name} view field {field_name}')
        for text in reach.view_texts.get(name, ()):
            keys.setdefault(('view', name, -1, text), f'{name} view')
        for owner in owners:
            keys.setdefault(('model', f'{owner},string', -1, None),
                f'{name} name')
        buttons = Button.search([
                ('model', '=', name),
                ('name', 'in', list(reach.buttons.get(name, ()))),
                ])
        for button in buttons:
            for field_name in ['string', 'help', 'confirm']:
                keys.setdefault(('model', f'ir.model.button,{field_name}',
                        button.id, None), f'{name} button {button.name}')
        for keyword in Keyword.search([
                    ('model', '=', f'{name},-1'),
                    ('keyword', 'in',
                        ['form_print', 'form_action', 'form_relate']),
                    ]):
            keys.setdefault(('model', 'ir.action,name',
                    keyword.action.id, None), f'{name} toolbar')
    actions = []
    for menu in reach.menus:
        keys.setdefault(('model', 'ir.ui.menu,name', menu.id, None),
            f'menu {menu.complete_name}')
        for keyword in menu.action_keywords:
            actions.append(keyword.action)
            keys.setdefault(('model', 'ir.action,name', keyword.action.id,
                    None), f'menu {menu.complete_name}')
    window_ids = [a.action.id for a in actions
        if a.type == 'ir.action.act_window']
    for domain in Domain.search([('act_window', 'in', window_ids)]):
        keys.setdefault(('model', 'ir.action.act_window.domain,name',
                domain.id, None), f'tabs of {domain.act_window.name}')
    return keys


def _fs_ids(module, name, res_id):
    "The fs_id of a record's translation as translation_export writes it"
    if res_id is None or res_id < 0:
        return ''
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Translation = pool.get('ir.translation')
    model = name.split(',')[0]
    for data in ModelData.search([
                ('module', '=', module), ('db_id', '=', res_id)]):
        if (data.model == model
                or model in Translation.extra_model_data(data)):
            return data.fs_id
    return None


def missing_translations(language='zh_CN', groups=None):
    """The upstream strings a quarantine role reaches that `language` leaves
    untranslated, each with the msgctxt of its override"""
    from trytond.modules.quarantine.tests.tools import set_translations
    pool = Pool()
    Translation = pool.get('ir.translation')
    set_translations()
    reach = Reach(role_groups() if groups is None else groups).compute()
    keys = _translation_keys(reach)

    names = {k[1] for k in keys}
    rows = {}
    for lang in ['en', language]:
        for start in range(0, len(names), 500):
            chunk = sorted(names)[start:start + 500]
            for row in Translation.search([
                        ('lang', '=', lang),
                        ('name', 'in', chunk),
                        ('module', 'not in', PROJECT_MODULES),
                        ]):
                rows.setdefault(lang, []).append(row)
    translated = {}
    for row in rows.get(language, []):
        key = (row.type, row.name, row.res_id, row.src, row.module)
        translated[key] = bool(row.value) and not row.fuzzy
    found = {}
    named = Counter((r.type, r.name, r.res_id, r.module)
        for r in rows.get('en', []))
    for row in rows.get('en', []):
        if (row.type not in SOURCE_KEYED_TYPES
                and named[row.type, row.name, row.res_id, row.module] > 1):
            continue
        if not row.src or not any(c.isalpha() for c in row.src):
            continue
        where = keys.get((row.type, row.name, row.res_id, None)) \
            or keys.get((row.type, row.name, row.res_id, row.src))
        if not where:
            continue
        key = (row.type, row.name, row.res_id, row.src, row.module)
        if translated.get(key):
            continue
        if key not in translated:
            # No row to override: the module's po file lacks the string.
            where += f'; no {language} entry in {row.module}'
        fs_id = _fs_ids(row.module, row.name, row.res_id)
        if fs_id is None:
            continue
        msgctxt = f'{row.type}:{row.name}:{row.module}.{fs_id}'
        found[(msgctxt, row.src)] = Missing(
            row.module, msgctxt, row.src, where)
    return sorted(found.values())


def override_path(module, language='zh_CN'):
    from trytond.modules.quarantine.tests.tools import module_directory
    return Path(module_directory(module), 'locale', 'override',
        f'{language}.po')


def write_overrides(missing, language='zh_CN', dictionary=None):
    """Add the missing strings to the override files (msgstr from
    `dictionary`, {msgid: msgstr} or {(msgctxt, msgid): msgstr}); returns the
    entries left without a translation"""
    dictionary = dictionary or {}
    by_file = {}
    for item in missing:
        by_file.setdefault(override_module(item.module), []).append(item)
    left = []
    for module, items in by_file.items():
        path = override_path(module, language)
        path.parent.mkdir(exist_ok=True)
        if path.exists():
            po = polib.pofile(str(path), wrapwidth=78)
        else:
            po = polib.POFile(wrapwidth=78)
            po.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
        for item in items:
            entry = po.find(item.msgid, msgctxt=item.msgctxt)
            text = dictionary.get((item.msgctxt, item.msgid),
                dictionary.get(item.msgid))
            if entry is None:
                if not text:
                    left.append(item)
                    continue
                entry = polib.POEntry(msgctxt=item.msgctxt,
                    msgid=item.msgid, msgstr=text)
                po.append(entry)
            elif text:
                entry.msgstr = text
            if not entry.msgstr:
                left.append(item)
        po.sort(key=lambda e: (e.msgctxt, e.msgid))
        po.save(str(path))
    return left
