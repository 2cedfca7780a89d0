# This file is part of the quarantine module.  See README.md for licensing.
"Helpers shared by the tests of the quarantine modules"
import ast
import configparser
import datetime as dt
import io
import importlib.metadata
import re
import sys
import tomllib
import unittest
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

import polib
from openpyxl import Workbook
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from stdnum.cn import ric

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction


class ModuleChecks:
    """The checks of its sources every module of the project passes, mixed
    in the module's ModuleTestCase (before it)"""
    __slots__ = ()

    @with_transaction()
    def test_translations_complete(self):
        "Every string a user sees has its zh_CN translation"
        self.assertEqual(untranslated(self.module), [])

    @with_transaction()
    def test_dependencies_declared(self):
        "tryton.cfg and pyproject.toml name exactly what the module uses"
        self.assertEqual(dependency_problems(self.module), [])

    @with_transaction()
    def test_list_views_render_in_web_client(self):
        "Every list field has a widget the web client can draw"
        self.assertEqual(unrenderable_list_fields(self.module), [])


class ListHeaderChecks:
    """The check that no list of the module repeats a column header, mixed
    in its ModuleTestCase (before it)"""
    __slots__ = ()

    @with_transaction()
    def test_list_headers_not_repeated(self):
        "No list shows a column header twice, in zh_CN"
        self.assertEqual(repeated_list_headers(self.module), [])


def scenario_test_case(load_tests):
    """Return a TestCase that runs the scenarios of a module's load_tests:
    pytest ignores the load_tests protocol trytond uses for them"""

    class ScenarioTestCase(unittest.TestCase):
        "Run the scenarios"

        def test_scenarios(self):
            suite = load_tests(
                unittest.TestLoader(), unittest.TestSuite(), None)
            self.assertGreater(suite.countTestCases(), 0)
            result = unittest.TextTestRunner(verbosity=2).run(suite)
            self.assertTrue(result.wasSuccessful(),
                result.failures + result.errors)
    return ScenarioTestCase


class ActivatedTestCase(unittest.TestCase):
    """Tests on a database with `module` (and the modules of `extras`)
    activated, dropped at the end"""
    module = 'quarantine'
    extras = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module([cls.module, *cls.extras])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


def xlsx(header, rows):
    "The bytes of a workbook of one sheet: header (None: none) and rows"
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def create_site(code='S1', name=None, rooms=0, floors=1, **values):
    """Create a draft site with `rooms` available rooms spread on `floors`,
    evaluated by the experts and laid out in three zones and two passages
    unless `values` say otherwise"""
    values.setdefault('expert_evaluated_on', TODAY)
    values.setdefault('layout_compliant', True)
    pool = Pool()
    Site = pool.get('quarantine.site')
    Room = pool.get('quarantine.room')
    site, = Site.create([dict(code=code, name=name or f"Site {code}",
                **values)])
    per_floor = -(-rooms // floors) if rooms else 0
    Room.create([{
                'site': site.id,
                'name': f'{i // per_floor + 1}{i % per_floor + 1:02d}',
                'floor': str(i // per_floor + 1),
                'sequence': i % per_floor + 1,
                } for i in range(rooms)])
    return site


TODAY = dt.date(2022, 5, 10)


def make_ric(birth, sequence='123', region='110105'):
    "A valid resident identity card number born on `birth` (YYYYMMDD)"
    body = region + birth + sequence
    return body + ric.calc_check_digit(body + '0')


def create_person(name, birth='19800101', sequence='123'):
    Party = Pool().get('party.party')
    party, = Party.create([{'name': name, 'identifiers': [('create', [{
                            'type': 'cn_ric',
                            'code': make_ric(birth, sequence)}])]}])
    return party


def create_stay(person, site=None, room=None, **values):
    pool = Pool()
    Stay = pool.get('quarantine.stay')
    Regime = pool.get('quarantine.regime')
    regime, = Regime.search([('code', '=', 'centralized_14')])
    stay, = Stay.create([dict({
                    'person': person.id, 'regime': regime.id,
                    'arrival_date': TODAY,
                    'exposure_date': TODAY - dt.timedelta(days=2),
                    'site': site.id if site else None,
                    'room': room.id if room else None,
                    }, **values)])
    return stay


def signed_consent(name):
    "The values of a guardian's informed consent, signed by `name`"
    return {
        'guardian_consent': True,
        'consent_signed_by': name,
        'consent_signed_at': dt.datetime(2022, 5, 10, 8, 30),
        }


def active_site(rooms=10, floors=1, **values):
    Site = Pool().get('quarantine.site')
    site = create_site(rooms=rooms, floors=floors, **values)
    Site.write([site], {'state': 'active'})
    return site


def admit_residents(site, rooms):
    "Admit one adult resident into each of `rooms`; return the stays"
    Stay = Pool().get('quarantine.stay')
    stays = [create_stay(create_person(f"Resident {i}", sequence=f'{i:03d}'),
            site, room) for i, room in enumerate(rooms)]
    Stay.admit(stays)
    return stays


def create_party(name):
    Party = Pool().get('party.party')
    party, = Party.create([{'name': name}])
    return party


@contextmanager
def savepoint():
    """Roll back to a savepoint when the block raises, so that a test can
    check after a refused write that the database holds what it held before
    (PostgreSQL aborts the whole transaction on a constraint violation)"""
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT quarantine_test')
    try:
        yield
    except Exception:
        try:
            cursor.execute('ROLLBACK TO SAVEPOINT quarantine_test')
        except backend.DatabaseOperationalError:
            # SQLite: trytond reports the integrity error from a nested
            # transaction on the same connection, which ends the savepoint;
            # the failed statement itself was already undone.
            if backend.name != 'sqlite':
                raise
        # the records read or written since the savepoint are stale
        for cache in Transaction().cache.values():
            cache.clear()
        raise
    else:
        cursor.execute('RELEASE SAVEPOINT quarantine_test')


def load_translations(module, language='zh_CN'):
    "Load the module's locale/<language>.po into the test database"
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    lang, = Lang.search([('code', '=', language)])
    Lang.write([lang], {'translatable': True})
    Translation.translation_import(language, module,
        str(module_directory(module) / 'locale' / f'{language}.po'))


def module_directory(module):
    "The directory of the Tryton module `module`"
    return Path(import_module(f'trytond.modules.{module}').__file__).parent


def set_translations():
    """Run the 'Set Translations' wizard: the labels of views and reports
    are only known once set from the files"""
    TranslationSet = Pool().get('ir.translation.set', type='wizard')
    session_id, _, _ = TranslationSet.create()
    TranslationSet(session_id).transition_set_()


def untranslated(module, language='zh_CN'):
    """Return the source strings of `module` that its locale/<language>.po
    does not translate (or marks fuzzy): every label, selection, message,
    menu, view string and button a user sees"""
    Translation = Pool().get('ir.translation')
    set_translations()
    sources = {(t.type, t.src) for t in Translation.search([
                ('module', '=', module),
                ('lang', '=', 'en'),
                ])
        if t.src}
    po = polib.pofile(
        str(module_directory(module) / 'locale' / f'{language}.po'))
    translated = {(e.msgctxt.split(':', 1)[0], e.msgid) for e in po
        if e.msgstr and 'fuzzy' not in e.flags}
    return sorted(sources - translated)


# Widgets the web client (sao 8.0) can draw in a list; a datetime field needs
# widget="date" and/or widget="time" there, or the list fails to open.
SAO_LIST_WIDGETS = {
    'binary', 'boolean', 'callto', 'char', 'date', 'dict', 'email', 'float',
    'image', 'integer', 'many2many', 'many2one', 'numeric', 'one2many',
    'one2one', 'progressbar', 'reference', 'selection', 'multiselection',
    'sip', 'text', 'time', 'timedelta', 'url',
    }


def unrenderable_list_fields(module):
    "Return (view, field, widget) of the module's list views sao cannot draw"
    from lxml import etree

    pool = Pool()
    View = pool.get('ir.ui.view')
    problems = []
    for view in View.search([('module', '=', module), ('type', '=', 'tree')]):
        Model = pool.get(view.model)
        arch = Model.fields_view_get(view_id=view.id)['arch']
        for node in etree.fromstring(arch).iter('field'):
            field = Model._fields.get(node.get('name'))
            if field is None:
                continue
            widget = node.get('widget', field._type)
            if widget not in SAO_LIST_WIDGETS:
                problems.append((view.name, node.get('name'), widget))
    return problems



def repeated_list_headers(module, language='zh_CN'):
    """Return (view, header) of the module's list views that show a column
    header twice, as the user reads them in `language` (a field listed
    twice, or two fields whose labels translate alike)"""
    from lxml import etree

    pool = Pool()
    View = pool.get('ir.ui.view')
    for name in {'quarantine', module}:
        load_translations(name, language)
    problems = []
    with Transaction().set_context(language=language):
        for view in View.search(
                [('module', '=', module), ('type', '=', 'tree')]):
            Model = pool.get(view.model)
            result = Model.fields_view_get(view_id=view.id)
            seen = set()
            for node in etree.fromstring(result['arch']).iter('field'):
                if node.get('tree_invisible') == '1':
                    continue
                field = result['fields'].get(node.get('name'), {})
                header = node.get('string') or field.get('string')
                if header in seen:
                    problems.append((view.name, header))
                seen.add(header)
    return problems

# Dependencies every Tryton module has without naming a use of them
BASE_MODULES = {'ir', 'res'}


def _module_sources(module):
    "Return (python sources, xml sources) of `module`, tests apart"
    directory = module_directory(module)
    python = [p.read_text() for p in directory.glob('*.py')]
    xml = [p.read_text()
        for p in list(directory.glob('*.xml'))
        + list(directory.glob('view/*.xml'))]
    return python, xml


def _imports(sources):
    "Return the dotted names the sources import (absolute imports only)"
    names = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names.add(node.module)
    return names


def _tryton_config(module):
    directory = module_directory(module)
    config = configparser.ConfigParser()
    config.read(directory / 'tryton.cfg')
    return {key: set(config.get('tryton', key, fallback='').split())
        for key in ['depends', 'extras_depend']}


def _pyproject_requirements(module):
    directory = module_directory(module)
    project = tomllib.loads((directory / 'pyproject.toml').read_text())
    return {canonicalize_name(Requirement(r).name)
        for r in project['project'].get('dependencies', [])}


def dependency_problems(module, indirect=()):
    """Return what `module` uses without declaring it, or declares without
    using it, in tryton.cfg and in pyproject.toml.

    A Tryton module is used when the module's code imports it, names one of
    its models (the module that created it in ir.model) or one of its XML
    ids; `indirect` lists declared modules the module needs only for what
    they add to another one.  A Python distribution is needed when the code
    imports it."""
    pool = Pool()
    Model = pool.get('ir.model')
    python, xml = _module_sources(module)
    imports = _imports(python)
    text = '\n'.join(python + xml)

    used = {name.split('.')[2] for name in imports
        if name.startswith('trytond.modules.')}
    models = {m.name: m.module for m in Model.search([])}
    for name in set(re.findall(r"[a-z_0-9]+(?:\.[a-z_0-9]+)+", text)):
        if name in models:
            used.add(models[name])
    for pattern in [r'ref="([a-z_0-9]+)\.', r"get_id\(\s*'([a-z_0-9]+)'",
            r"Id\(\s*'([a-z_0-9]+)'", r"gettext\(\s*'([a-z_0-9]+)\."]:
        used.update(re.findall(pattern, text))
    used -= {module}
    config = _tryton_config(module)
    declared = config['depends']
    problems = [f'tryton.cfg: {m} used, not declared'
        for m in sorted(used - declared - config['extras_depend']
            - BASE_MODULES)]
    problems += [f'tryton.cfg: {m} declared, not used'
        for m in sorted(declared - used - BASE_MODULES - set(indirect))]

    distributions = importlib.metadata.packages_distributions()
    needed = {canonicalize_name(f'trytond_{m}')
        for m in declared - BASE_MODULES}
    for name in imports:
        top = name.split('.')[0]
        if top in sys.stdlib_module_names:
            continue
        if top == 'trytond':
            needed.add('trytond')
            continue
        needed.update(canonicalize_name(d)
            for d in distributions.get(top, [top]))
    requirements = _pyproject_requirements(module)
    problems += [f'pyproject.toml: {d} needed, not declared'
        for d in sorted(needed - requirements)]
    problems += [f'pyproject.toml: {d} declared, not needed'
        for d in sorted(requirements - needed)]
    return problems
