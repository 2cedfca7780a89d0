"""End to end in a real browser: a real trytond serving sao, driven by
headless Chromium (playwright-core) through tests/browser/*.mjs.

The module's fixture builds a fresh SQLite database in a temporary
directory, activates the three modules (quarantine, quarantine_transfer,
quarantine_supply), loads the demo city, prepares what the other journeys
need through proteus (tests/browser/prepare_data.py: the company, one user
per role, sites, residents...) and starts trytond on a free port.  Each
test logs into sao in zh_CN as one role and walks a journey (see each
script's header); the transfer and logistics journeys log in as the demo's
users (their passwords in demo-logins, which scripts/load_demo.py writes
next to the admin's password file) and work on the demo's records, found
by the names of data/demo_city/:

* test_site_list: the administrator lands on the city's dashboard (no
  set-up wizard) and sees the demo sites;
* test_site_manager: the demo's site manager (dc01) enters a new arrival
  in the quick entry list and allocates it with the demo's waiting bus
  (family with a child, elderly, wheelchair user), room board (PDF);
* test_medical: the demo's doctor prints a site's roster of the day (PDF),
  records its results, releases a resident due today, its certificate
  with the dates of the tests (PDF);
* test_transfer: as the demo's `transfer`, the positive's transfer to
  hospital given the negative-pressure ambulance and dispatched, its
  three-part handover form (PDF); the bus under way received;
* test_logistics: as the demo's `logistics`, the second site's computed
  plan checked and confirmed into purchases, a truck of a supplier picked,
  sent and delivered, its dispatch note (PDF); the demo's truck on its way
  delivered;
* test_board[<role>]: each role's dashboard, every panel's rows compared
  with the server's search of the panel action's domain as that user
  (tests/browser/board.mjs writes what each panel lists).
* test_scan: every entry of the quarantine menu and the first level of
  the parties, products, stock and purchases menus, its list, tabs, first
  record and pages, scanned for English left untranslated (as every
  journey scans the screens it visits: lib.mjs's scanEnglish).

With SCREENSHOTS=<folder> (scripts/screenshots.sh, `make screenshots`)
the journeys also save each role's main screen there, for the README.

Screenshots and downloaded PDFs go to test-artifacts/browser/<journey>/; a
failing journey saves failure.png there and the assertion names it.
Needs `make sao system-deps` (var/sao, chromium, poppler-utils,
tests/browser/node_modules).
"""
import configparser
import csv
import datetime as dt
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import pytest
from stdnum.cn import ric
from trytond.pyson import PYSONDecoder

from rpc_harness import Client

# The server always runs on its own SQLite database: run once, in the SQLite
# pass of scripts/test.sh (see pytest.ini).
pytestmark = pytest.mark.sqlite_only

REPO = Path(__file__).resolve().parents[1]
# The venv's executables: pytest runs as .venv/bin/python (not resolved: the
# venv's python is a symlink to the system interpreter).
BIN = Path(sys.executable).parent
SAO = REPO / 'var' / 'sao'
BROWSER_DIR = REPO / 'tests' / 'browser'
ARTIFACTS = REPO / 'test-artifacts' / 'browser'
CHROMIUM = Path('/usr/bin/chromium')
DB_NAME = 'browser'
MODULES = ['quarantine', 'quarantine_transfer', 'quarantine_supply']
MODEL = 'quarantine.site'
# The zh_CN menu entries of quarantine.menu_site (action
# quarantine.act_site_form); empty: the list is opened by URL.
MENU_PATH = ''

SERVER_START_TIMEOUT = 60
NODE_TIMEOUT = 300
# The scan opens some 50 lists and forms
SCAN_TIMEOUT = 900


def _prerequisites():
    missing = []
    if not (SAO / '.installed').exists():
        missing.append(f'{SAO.relative_to(REPO)} (run `make sao`)')
    if not shutil.which('node'):
        missing.append('node (Node.js >= 20)')
    if not (BROWSER_DIR / 'node_modules' / 'playwright-core').is_dir():
        missing.append('tests/browser/node_modules/playwright-core '
            '(run `make system-deps`)')
    if not CHROMIUM.exists():
        missing.append(f'{CHROMIUM} (run `make system-deps`)')
    if not shutil.which('pdftotext'):
        missing.append('pdftotext of poppler-utils (run `make system-deps`)')
    for module in MODULES:
        if not (REPO / 'addons' / module / 'tryton.cfg').exists():
            missing.append(f'addons/{module}/tryton.cfg')
    return missing


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _run(cmd, env, what, timeout=600):
    start = time.monotonic()
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=REPO, env=env, timeout=timeout,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - start
    if proc.returncode:
        pytest.fail(f'{what} failed (exit {proc.returncode}, {elapsed:.1f}s):\n'
            f'$ {" ".join(str(c) for c in cmd)}\n{proc.stdout[-6000:]}')
    print(f'{what}: {elapsed:.1f}s')
    return proc.stdout


def _rpc(url, method, params=(), timeout=5):
    body = json.dumps({'id': 1, 'method': method, 'params': list(params)})
    request = urllib.request.Request(url, data=body.encode(),
        headers={'Content-Type': 'application/json'}, method='POST')
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)['result']


def _write_config(path, db_dir, listen):
    """The project's trytond.conf with this test's database path, web root and
    port.  The TRYTOND_<SECTION>__<OPTION> variables cannot do this: trytond
    applies them first and then the -c file, so trytond.conf's `path` and
    `root` would win.  (scripts/load_demo.py also takes a single -c file.)"""
    config = configparser.ConfigParser(interpolation=None)
    config.read(REPO / 'trytond.conf', encoding='utf-8')
    for section, option, value in [
            ('database', 'path', str(db_dir)),
            ('web', 'root', str(SAO)),
            ('web', 'listen', listen),
            ]:
        if not config.has_section(section):
            config.add_section(section)
        config.set(section, option, value)
    with open(path, 'w', encoding='utf-8') as f:
        config.write(f)


# Prints the name of an active site (the action's first tab lists the active
# sites); creates and activates one when the demo loader is absent.
_FIND_SITE = textwrap.dedent('''\
    import sys
    from proteus import Model, config
    # skip_warning: a `_skip_warnings` context key is dropped by the RPC layer.
    config.set_trytond(sys.argv[1], config_file=sys.argv[2]).skip_warning = True
    Site = Model.get('quarantine.site')
    sites = Site.find([('state', '=', 'active')], limit=1)
    if not sites and sys.argv[3] == 'create':
        site = Site(name='浏览器测试隔离点', code='BT01')
        site.save()
        site.click('activate')
        sites = [site]
    print('SITE:' + (sites[0].name if sites else ''))
    ''')


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    missing = _prerequisites()
    if missing:
        pytest.fail('browser test prerequisites missing:\n  '
            + '\n  '.join(missing))

    # Screenshots of an earlier run must not pass for this one's.
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)

    tmp = tmp_path_factory.mktemp('browser-db')
    db_dir = tmp / 'db'
    db_dir.mkdir()
    (db_dir / f'{DB_NAME}.sqlite').touch()
    password = 'Browser-' + secrets.token_urlsafe(12)
    passfile = tmp / 'adminpass'
    passfile.write_text(password + '\n', encoding='utf-8')
    port = _free_port()
    listen = f'127.0.0.1:{port}'
    conf = tmp / 'trytond.conf'
    _write_config(conf, db_dir, listen)

    env = dict(os.environ)
    env.update({
            'TRYTONPASSFILE': str(passfile),
            'TRYTOND_DATABASE__PATH': str(db_dir),
            'TRYTOND_WEB__ROOT': str(SAO),
            'TRYTOND_WEB__LISTEN': listen,
            'PYTHONUNBUFFERED': '1',
            })
    for name in ['TRYTOND_DATABASE__URI', 'TRYTOND_DATABASE_URI',
            'TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        env.pop(name, None)  # test.sh's PostgreSQL run: this test is SQLite only
    # proteus picks its backend from TRYTOND_DATABASE_URI (single underscore)
    env['TRYTOND_DATABASE_URI'] = 'sqlite://'

    python = BIN / 'python'
    admin = [python, '-O', BIN / 'trytond-admin', '-c', conf, '-d', DB_NAME]
    _run(admin + ['--all', '--email', 'admin@example.com', '-l', 'zh_CN'],
        env, 'trytond-admin --all')
    _run(admin + ['-u', *MODULES, '--activate-dependencies'],
        env, f'trytond-admin -u {" ".join(MODULES)}')
    load_demo = REPO / 'scripts' / 'load_demo.py'
    if load_demo.exists():
        _run([python, '-O', load_demo, '-c', conf, '-d', DB_NAME],
            env, 'load_demo.py')
    output = _run(
        [python, '-O', '-c', _FIND_SITE, DB_NAME, conf,
            'no' if load_demo.exists() else 'create'],
        env, 'find an active site')
    site_name = ''.join(line[len('SITE:'):] for line in output.splitlines()
        if line.startswith('SITE:')).strip()
    assert site_name, f'no active {MODEL} in the database:\n{output}'
    data_dir = tmp / 'data'
    data_dir.mkdir()
    _run([python, '-O', BROWSER_DIR / 'prepare_data.py', DB_NAME, conf,
            data_dir], env, 'prepare_data.py')
    data_file = data_dir / 'data.json'

    log_path = tmp / 'trytond.log'
    log = open(log_path, 'w', encoding='utf-8')
    proc = subprocess.Popen(
        [str(python), '-O', str(BIN / 'trytond'), '-c', str(conf),
            '-d', DB_NAME],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f'http://{listen}/'
    try:
        start = time.monotonic()
        while True:
            if proc.poll() is not None:
                pytest.fail(f'trytond exited with {proc.returncode}:\n'
                    + log_path.read_text(encoding='utf-8')[-6000:])
            try:
                version = _rpc(base_url + 'rpc/', 'common.server.version')
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() - start > SERVER_START_TIMEOUT:
                pytest.fail(f'trytond did not answer on {base_url} within '
                    f'{SERVER_START_TIMEOUT}s:\n'
                    + log_path.read_text(encoding='utf-8')[-6000:])
            time.sleep(0.2)
        print(f'trytond {version} answers on {base_url} after '
            f'{time.monotonic() - start:.1f}s')
        yield {
            'base_url': base_url,
            'password': password,
            'site_name': site_name,
            'log_path': log_path,
            'data_file': data_file,
            'data': json.loads(data_file.read_text(encoding='utf-8')),
            }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.copyfile(log_path, ARTIFACTS / 'trytond.log')


def _journey(server, script, login, password, extra_env=None, name=None,
        timeout=NODE_TIMEOUT):
    """Run tests/browser/<script>.mjs logged in as `login`; return the
    journey's artifacts directory (named `name`, else `script`).  A failure
    names the screenshot."""
    artifacts = ARTIFACTS / (name or script)
    env = dict(os.environ)
    env.update({
            'BASE_URL': server['base_url'],
            'DB_NAME': DB_NAME,
            'LOGIN': login,
            'PASSWORD': password,
            'ARTIFACTS': str(artifacts),
            'DATA_FILE': str(server['data_file']),
            'CHROMIUM': str(CHROMIUM),
            })
    env.update(extra_env or {})
    start = time.monotonic()
    proc = subprocess.run(['node', str(BROWSER_DIR / f'{script}.mjs')],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=timeout)
    print(proc.stdout)
    print(f'node {script}.mjs: exit {proc.returncode} after '
        f'{time.monotonic() - start:.1f}s')
    if proc.returncode:
        shots = re.findall(r'failure screenshot: (\S+)', proc.stdout)
        failed = [line for line in proc.stdout.splitlines()
            if 'FAILED' in line or 'DEFECT' in line]
        pytest.fail(
            f'{script} journey failed (exit {proc.returncode}); '
            f'screenshot: {shots[0] if shots else "(none)"}\n'
            + '\n'.join(failed) + '\n'
            '(the steps are in the captured stdout below)\n'
            '--- trytond log but its access lines (tail) ---\n'
            + _log_errors(server),
            pytrace=False)
    return artifacts


def _log_errors(server, size=4000):
    "The server log's lines but the web server's access lines"
    lines = [line for line in server['log_path'].read_text(
            encoding='utf-8').splitlines()
        if ' INFO werkzeug ' not in line]
    return '\n'.join(lines)[-size:]


def _role(server, role):
    user = server['data'][role]['user']
    return user['login'], user['password']


def _check_artifacts(artifacts, names):
    for name in names:
        path = artifacts / name
        assert path.exists() and path.stat().st_size > 0, path


def test_site_list(server):
    """Log into sao in Chinese as admin: the city's dashboard opens, no
    set-up wizard; the demo sites are in the list."""
    artifacts = _journey(server, 'site_list', 'admin', server['password'], {
            'MODEL': MODEL,
            'MENU_PATH': MENU_PATH,
            'EXPECT_TEXT': server['site_name'],
            # make run's set-up: no Tryton wizard, the city's dashboard
            'EXPECT_HOME': "全市工作台",
            })
    _check_artifacts(artifacts,
        ['01-login.png', '02-home.png', '03-site-list.png'])


# The demo city's data (scripts/load_demo.py): its day's work and sites
DEMO_DIR = REPO / 'data' / 'demo_city'


def _demo_rows(name):
    with open(DEMO_DIR / name, encoding='utf-8', newline='') as f:
        return list(csv.DictReader(f))


def _demo_login(server, login):
    """The demo's login and its password, in the demo-logins file that
    load_demo.py writes next to the fixture's admin password"""
    path = server['log_path'].parent / 'demo-logins'
    passwords = dict(line.split()[:2] for line in path.read_text(
            encoding='utf-8').splitlines() if line.strip())
    return login, passwords[login]


def _journey_data(server, role, data):
    "A data file of the journey's own, computed from the demo's data"
    path = server['log_path'].parent / f'{role}.json'
    path.write_text(json.dumps({role: data}, ensure_ascii=False),
        encoding='utf-8')
    return {'DATA_FILE': str(path)}


def test_site_manager(server):
    """The demo's site manager (dc01) enters a new arrival in the quick
    entry list, allocates the bus waiting with no site (the family with a
    child, the elderly, the wheelchair user) and that arrival to his site,
    and prints the room board."""
    today = dt.date.today()
    login, password = _demo_login(server, 'dc01')
    site, = [s for s in _demo_rows('sites.csv') if s['code'] == 'DC01']
    waiting = [r for r in _demo_rows('day.csv') if r['scene'] == 'waiting']
    # A woman at the door, her identity number as the card shows it
    birth = dt.date(today.year - 36, 3, 18)
    body = f'110101{birth:%Y%m%d}026'
    number = body + ric.calc_check_digit(body + '0')
    assert ric.is_valid(number) and ric.get_birth_date(number) == birth
    age = today.year - birth.year - ((today.month, today.day)
        < (birth.month, birth.day))
    data = {
        'site_name': site['name'],
        'waiting': [r['name'] for r in waiting],
        'child': next(r['name'] for r in waiting if r['needs'] == 'child'),
        'guardian': next(r['name'] for r in waiting if r['companion_of']),
        'accessible': [r['name'] for r in waiting
            if r['needs'] in {'elderly', 'disabled'}],
        # a child shares its guardian's room
        'rooms_needed': len(waiting) + 1 - sum(
            1 for r in waiting if r['companion_of']),
        'arrival': {
            'name': "赵雨桐",
            'identity_number': number,
            'phone': '13970010099',
            'category': "密切接触者",
            'sex': 'female',
            'sex_label': "女",
            'birth_date': birth.isoformat(),
            'age': age,
            },
        }
    assert sorted(data['accessible']) == sorted(["王秀兰", "张国强"])
    artifacts = _journey(server, 'site_manager', login, password,
        _journey_data(server, 'site_manager', data))
    _check_artifacts(artifacts, ['04-arrival-saved.png',
            '07-allocation-summary.png', 'room_board.pdf'])


def test_medical(server):
    """The demo's doctor prints the day's roster of 东城区隔离酒店一号,
    records its results, releases a resident whose 14 days end today and
    prints the certificate with the dates of the tests."""
    today = dt.date.today()
    login, password = _demo_login(server, 'doctor')
    site, = [s for s in _demo_rows('sites.csv') if s['code'] == 'DC01']
    released = [r['name'] for r in _demo_rows('day.csv')
        if r['scene'] == 'release']
    resident = next(r['name'] for r in _demo_rows('day.csv')
        if r['scene'] == 'release' and r['site_code'] == 'DC01')
    # Today's roster of the site and the resident's tests, as the server
    # holds them for the administrator
    client = Client(server['base_url'].rstrip('/'), DB_NAME)
    client.login('admin', server['password'], 'zh_CN')
    roster = client.model('quarantine.sample', 'search', [
            ('planned_date', '=', today), ('result', '=', 'pending'),
            ('stay.state', '=', 'admitted'),
            ('stay.site.name', '=', site['name']),
            ], 0, None, None)
    stays = {s['stay'] for s in client.model('quarantine.sample', 'read',
            roster, ['stay'])}
    roster_names = sorted({s['rec_name'] for s in client.model(
                'quarantine.stay', 'read', list(stays), ['rec_name'])})
    assert roster_names and not set(roster_names) & set(released)
    tests = client.model('quarantine.sample', 'search_read', [
            ('stay.person.name', '=', resident),
            ('result', '!=', 'pending'),
            ], 0, None, None, ['collected_at'])
    earlier = sorted({str(t['collected_at'].date()) for t in tests} - {
            str(today)})
    assert earlier
    data = {
        'today': today.isoformat(),
        'site_name': site['name'],
        'roster_names': roster_names,
        'roster_count': len(roster),
        'released': released,
        'resident': resident,
        'earlier_dates': earlier,
        # the demo's two laboratories (load_demo.LABORATORIES)
        'laboratories': ["示范市疾控中心", "华大基因示范市医学检验所"],
        'reagents': ["圣湘", "华大基因"],
        'exit_test': "解除前双采双检",
        # today's roster is taken by the first laboratory
        'institution': "示范市疾控中心",
        'reagent': "圣湘",
        }
    artifacts = _journey(server, 'medical', login, password,
        _journey_data(server, 'medical', data))
    _check_artifacts(artifacts, ['sampling_roster.pdf',
            '04-results-recorded.png', '06-released.png',
            'release_certificate.pdf'])



def _demo_admin(server):
    "A JSON-RPC client of the fixture's server, logged in as admin"
    client = Client(server['base_url'].rstrip('/'), DB_NAME)
    client.login('admin', server['password'], 'zh_CN')
    return client


def test_transfer(server):
    """The demo's transfer team gives the positive's transfer to hospital
    the negative-pressure ambulance, dispatches it, prints the three-part
    handover form (the person, the plate, origin and destination) and
    receives the bus under way at its site."""
    sites = {row['code']: row['name'] for row in _demo_rows('sites.csv')}
    day = _demo_rows('day.csv')
    positive, = [row for row in day if row['scene'] == 'positive']
    bus = [row for row in day if row['scene'] == 'transfer']
    assert bus and len({(r['community'], r['site_code']) for r in bus}) == 1
    # The demo's vehicles are not in its files: as the server has them.
    ambulance, = _demo_admin(server).model('quarantine.vehicle',
        'search_read', [('kind', '=', 'ambulance'),
            ('negative_pressure', '=', True)], 0, None, None,
        ['plate', 'driver', 'driver_phone'])
    demo = {
        # the positive's transfer leaves from its site
        'positive': {'name': positive['name'],
            'origin': sites[positive['site_code']]},
        'ambulance': {k: ambulance[k]
            for k in ['plate', 'driver', 'driver_phone']},
        'escorts': "李医生、王护士",
        'bus': {'origin': bus[0]['community'],
            'site': sites[bus[0]['site_code']],
            'persons': [row['name'] for row in bus]},
        }
    artifacts = _journey(server, 'transfer',
        *_demo_login(server, 'transfer'),
        {'DEMO': json.dumps(demo, ensure_ascii=False)})
    _check_artifacts(artifacts, ['04-dispatched.png', 'handover_form.pdf',
            '06-bus-arrived.png'])


def test_logistics(server):
    """The demo's logistics officer confirms the second site's computed
    plan (each product from suppliers carrying it, none below its minimum
    order), sees its purchases processing, picks one supplier's truck
    among the trucks offered (that supplier's only), sends and delivers
    it and prints the dispatch note (发货地: the supplier by name); then
    delivers the demo's truck on its way to the first site."""
    active = [row['name'] for row in _demo_rows('sites.csv')
        if row['state'] == 'active']
    minimums = {row['物资']: {'supermarket': float(row['超市起订量']),
            'enterprise': float(row['企业起订量'])}
        for row in _demo_rows('norms.csv')}
    suppliers = {}
    for row in _demo_rows('suppliers.csv'):
        suppliers[row['供应单位']] = {
            'name': row['供应单位'],
            'kind': 'supermarket' if row['类型'] == "超市" else 'enterprise',
            'carries': row['供应品种'].split('、'),
            'address': row['地址'],
            'trucks': [],
            }
    # The demo's trucks and tested driver are not in its files: as the
    # server has them.
    client = _demo_admin(server)
    for truck in client.model('quarantine.vehicle', 'search_read',
            [('kind', '=', 'truck')], 0, None, [('plate', 'ASC')],
            ['plate', 'supplier.rec_name']):
        name = (truck.get('supplier.') or {}).get('rec_name')
        if name in suppliers:
            suppliers[name]['trucks'].append(truck['plate'])
    on_the_road = [d['vehicle.']['plate'] for d in client.model(
            'quarantine.supply.dispatch', 'search_read',
            [('state', '=', 'in_transit')], 0, None, None, ['vehicle.plate'])]
    tests = client.model('quarantine.supply.driver_test', 'search_read',
        [('result', '=', 'negative')], 0, None, [('tested_at', 'DESC')],
        ['driver.rec_name'])
    drivers = [t['driver.']['rec_name'] for t in tests]
    demo = {
        # load_demo: the first active site's plan ordered with a truck on
        # its way, the second's computed
        'plan_site': active[1],
        'truck_en_route': {'site': active[0]},
        'minimums': minimums,
        'suppliers': suppliers,
        'on_the_road': on_the_road,
        'driver': {'name': drivers[0], 'phone': "13907970002"},
        }
    artifacts = _journey(server, 'logistics',
        *_demo_login(server, 'logistics'),
        {'DEMO': json.dumps(demo, ensure_ascii=False)})
    _check_artifacts(artifacts, ['03-plan-confirmed.png',
            '05-truck-picker.png', '09-delivered.png', 'dispatch_note.pdf',
            'dispatch_note_en_route.pdf'])


# The dashboards: (role, menu entries, board view file, README picture:
# docs/screenshots/<name> when SCREENSHOTS=docs/screenshots, see
# scripts/screenshots.sh; the other roles' pictures are their journeys').
# `admin` is the administrator of the database (quarantine.group_admin).
BOARDS = [
    ('admin', ['隔离管理', '工作台', '全市工作台'],
        'quarantine/view/board_admin.xml', 'city-board.png'),
    ('site_manager', ['隔离管理', '工作台', '隔离点负责人工作台'],
        'quarantine/view/board_site_manager.xml', None),
    ('medical', ['隔离管理', '工作台', '医疗组工作台'],
        'quarantine/view/board_medical.xml', None),
    ('transfer', ['隔离管理', '工作台', '转运组工作台'],
        'quarantine_transfer/view/board_transfer.xml', None),
    ('logistics', ['隔离管理', '工作台', '物资保障工作台'],
        'quarantine_supply/view/board_logistics.xml', None),
    ]
# What a list panel must show of each record: a text of its row (a field,
# or a field of a related record: `field.name`).
ROW_TEXT = {
    'quarantine.stay': 'rec_name',  # the resident's name
    'quarantine.sample': 'code',
    'quarantine.site': 'name',
    'quarantine.area': 'name',
    'quarantine.transfer': 'origin',
    'quarantine.supply.contract': 'supplier.rec_name',
    'quarantine.supply.market.response.task': 'owner',
    }


def _row_texts(client, model, ids):
    "The text each record of ids must show in its row (ROW_TEXT), in order"
    field = ROW_TEXT[model]
    records = {r['id']: r for r in client.model(model, 'read', ids, [field])}
    texts = []
    for id_ in ids:
        record = records[id_]
        if '.' in field:
            relation, name = field.split('.', 1)
            record = record[relation + '.'] or {}
            field_name = name
        else:
            field_name = field
        texts.append(str(record[field_name]))
    return texts


def _board_actions(view_file):
    "The actions (module.xml_id) of a board view, in its order"
    root = ElementTree.parse(REPO / 'addons' / view_file).getroot()
    return [a.get('name') for a in root.iter('action')]


def test_boards_cover_every_board():
    "Each board of the modules is checked by test_board."
    views = {str(p.relative_to(REPO / 'addons'))
        for p in REPO.glob('addons/*/view/board_*.xml')}
    assert views == {view for _, _, view, _ in BOARDS}


def _server_panel(client, action_name):
    """The records a board panel's action lists, by the server: its domain,
    context and order evaluated as the board does, searched as the user"""
    action = client.model('ir.action.act_window', 'get', action_name)
    ctx = dict(client.context, _user=client.user_id)
    context = PYSONDecoder(ctx).decode(action.get('pyson_context') or '{}')
    ctx.update(context)
    ctx['context'] = dict(ctx)
    decoder = PYSONDecoder(ctx)
    domain = decoder.decode(action.get('pyson_domain') or '[]')
    order = decoder.decode(action.get('pyson_order') or 'null') or None
    model = action['res_model']
    ids = client.model(model, 'search', domain, 0, None, order,
        context=context)
    total = client.model(model, 'search_count', [], context=context)
    return model, domain, ids, total


@pytest.mark.parametrize('role,entries,view_file,picture', BOARDS,
    ids=[b[0] for b in BOARDS])
def test_board(server, role, entries, view_file, picture):
    """Each panel of a role's dashboard lists exactly the records its
    action's domain gives the user on the server (the rows shown, their
    texts), and the filters tell the prepared records apart."""
    if role == 'admin':
        login, password = 'admin', server['password']
    else:
        login, password = _role(server, role)
    artifacts = _journey(server, 'board', login, password, {
            'BOARD': '/'.join(entries),
            'DOC_SHOT': picture or '',
            }, name=f'board-{role}')
    panels = json.loads((artifacts / 'panels.json').read_text(
            encoding='utf-8'))
    assert [p['action'] for p in panels] == _board_actions(view_file)

    client = Client(server['base_url'].rstrip('/'), DB_NAME)
    client.login(login, password, 'zh_CN')
    subsets = []
    for panel in panels:
        what = f"{role}'s panel \"{panel['title']}\" ({panel['action']})"
        model, domain, ids, total = _server_panel(client, panel['action'])
        assert panel['model'] == model, what
        assert sorted(panel['ids']) == sorted(ids), (
            f'{what} lists {panel["ids"]}; the server gives {ids} '
            f'for {domain}')
        if panel['view'] == 'graph':
            names = [r['rec_name'] for r in client.model(
                    model, 'read', ids, ['rec_name'])]
            assert sorted(panel['labels']) == sorted(names), what
        else:
            assert len(panel['rows']) == min(len(ids), panel['displaySize']), (
                what, panel['rows'])
            # a row left blank: sao stopped drawing the list (an error)
            assert all(panel['rows']), (f'{what}: a blank row', panel['rows'])
            if model in ROW_TEXT:
                # the rows in the order of the records the panel holds
                shown = panel['ids'][:len(panel['rows'])]
                texts = _row_texts(client, model, shown)
                for row, text in zip(panel['rows'], texts):
                    assert text in row, (
                        f'{what}: the row {row!r} does not show {text!r}')
        if 0 < len(ids) < total:
            subsets.append(panel['action'])
        print(f'{what}: {len(ids)} of {total} {model}')

    if role == 'admin':
        # The panels with a filter on a few prepared records: each lists
        # them and not the others (not the whole model).
        board = server['data']['board']
        rows = {p['action']: ' / '.join(p['rows']) for p in panels}
        positives = rows['quarantine.act_dashboard_positives']
        assert board['positive'] in positives, positives
        assert board['negative'] not in positives, positives
        arrivals = rows['quarantine.act_dashboard_arrivals']
        assert board['arrival_tomorrow'] in arrivals, arrivals
        assert board['positive'] not in arrivals, arrivals  # admitted
        assert {'quarantine.act_dashboard_positives',
            'quarantine.act_dashboard_arrivals'} <= set(subsets), subsets


def test_scan(server):
    """Every screen of the quarantine menu and of Tryton's menus the roles
    work in, as admin on the demo: no English word but codes, units,
    addresses and names"""
    _journey(server, 'scan', 'admin', server['password'],
        timeout=SCAN_TIMEOUT)
