"""Shared helpers of the tests that drive a real trytond over JSON-RPC on
PostgreSQL (tests/test_rpc_load.py, tests/test_faults.py).

* Databases: `fresh_database()` clones a template database in which
  `trytond-admin --all` and `-u quarantine --activate-dependencies` ran once
  for the whole pytest process, under a unique name (rpc_<pid>_<ms>), and
  always drops it (DROP DATABASE ... WITH (FORCE)); the template is dropped
  when the process exits.
* `Server`: `python -O trytond -c <conf> -d <db>` on a free port, logged to a
  file (its tail is printed when the block fails); start, stop, SIGKILL and
  start again on the same database.
* `Client`: a small JSON-RPC client (one per process in the tests), with
  trytond's own JSONEncoder/JSONDecoder so that dates, Decimal and bytes
  round-trip.  A refusal the user is meant to read (UserError) raises
  `RPCError` with `clean` true; anything else (a server exception, an HTTP
  error) raises `RPCError` with `clean` false; a dropped connection raises
  the socket's own error (OSError or http.client.HTTPException).
* Worker processes: `python -O tests/rpc_harness.py <file> <function>
  <json kwargs> [--orm DB]` runs `function(**kwargs)` of a test module (in a
  committed trytond transaction as root with --orm, given the pool) and
  prints `RESULT <json>` last.  `start_worker`/`run_orm` spawn them.
* `PgMonitor`: what PostgreSQL knows of the server's backends, to kill it
  in the middle of a transaction and check that nothing was left behind.

Needs TRYTOND_DATABASE__URI=postgresql://...: the tests skip otherwise.
"""
import atexit
import configparser
import http.client
import importlib.util
import json
import os
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from trytond.modules.quarantine.tests import rpc
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.modules.quarantine.tests.rpc import RPCError  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
HARNESS = Path(__file__).resolve()
# The venv's executables (not resolved: the venv's python is a symlink)
BIN = Path(sys.executable).parent
PYTHON = BIN / 'python'
MODULES = ('quarantine',)
# every module, as `make run` activates them: the backup and province tests
ALL_MODULES = ('quarantine_supply', 'quarantine_transfer')
SERVER_START_TIMEOUT = 180  # seconds; the machine may be busy
ADMIN_TIMEOUT = 1200  # seconds for trytond-admin
CALL_TIMEOUT = 900  # seconds for one RPC call


def pg_uri():
    "The PostgreSQL URI of the environment ('' when not PostgreSQL)"
    uri = (os.environ.get('TRYTOND_DATABASE__URI')
        or os.environ.get('TRYTOND_DATABASE_URI') or '')
    return uri if uri.startswith('postgresql') else ''


def database_uri(name):
    return pg_uri().rstrip('/') + '/' + name


def connect(name='postgres', autocommit=True):
    "A psycopg connection to the database `name`"
    import psycopg
    return psycopg.connect(database_uri(name), autocommit=autocommit)


def unique_name(prefix='rpc'):
    return f'{prefix}_{os.getpid()}_{int(time.time() * 1000)}'


def drop_database(name):
    with connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def environment(**extra):
    """The environment of trytond, trytond-admin and the workers: the
    PostgreSQL URI, and none of the SQLite/web defaults of scripts/env.sh"""
    env = dict(os.environ)
    for name in ['TRYTOND_DATABASE__PATH', 'TRYTOND_WEB__ROOT',
            'TRYTOND_WEB__LISTEN', 'TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE',
            'TRYTOND_DATABASE_URI']:
        env.pop(name, None)
    if pg_uri():
        env['TRYTOND_DATABASE__URI'] = pg_uri()
    env['PYTHONUNBUFFERED'] = '1'
    env.update({k: str(v) for k, v in extra.items()})
    return env


def write_config(path, listen=None):
    """The project's trytond.conf with the PostgreSQL URI and the port:
    values of the -c file win over TRYTOND_* variables"""
    config = configparser.ConfigParser(interpolation=None)
    config.read(REPO / 'trytond.conf', encoding='utf-8')
    values = [('database', 'uri', pg_uri())]
    if listen:
        values.append(('web', 'listen', listen))
    for section, option, value in values:
        if not config.has_section(section):
            config.add_section(section)
        config.set(section, option, value)
    with open(path, 'w', encoding='utf-8') as f:
        config.write(f)
    return path


def _run(cmd, env, what, timeout):
    start = time.monotonic()
    proc = subprocess.run([str(c) for c in cmd], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=timeout)
    elapsed = time.monotonic() - start
    if proc.returncode:
        raise AssertionError(f'{what} failed (exit {proc.returncode}, '
            f'{elapsed:.1f}s):\n$ {" ".join(str(c) for c in cmd)}\n'
            f'{proc.stdout[-6000:]}')
    print(f'{what}: {elapsed:.1f}s', flush=True)
    return proc.stdout


class Template:
    """A database with the modules activated, built once per process and
    cloned by fresh_database(); dropped when the process exits"""
    _instances = {}

    def __init__(self, modules, language=None):
        self.modules = tuple(modules)
        self.language = language
        self.name = unique_name('rpctpl')
        self.password = 'Admin-' + secrets.token_urlsafe(12)
        self.workdir = Path(tempfile.mkdtemp(prefix='rpc-template-'))

    @classmethod
    def get(cls, modules=MODULES, language=None):
        key = (tuple(modules), language)
        if key not in cls._instances:
            template = cls(*key)
            atexit.register(template.drop)
            template.build()
            cls._instances[key] = template
        return cls._instances[key]

    def build(self):
        passfile = self.workdir / 'adminpass'
        passfile.write_text(self.password + '\n', encoding='utf-8')
        conf = write_config(self.workdir / 'trytond.conf')
        env = environment(TRYTONPASSFILE=passfile)
        with connect() as conn:
            conn.execute(
                f'CREATE DATABASE "{self.name}" ENCODING \'UTF8\'')
        admin = [PYTHON, '-O', BIN / 'trytond-admin', '-c', conf,
            '-d', self.name]
        _run(admin + ['--all', '--email', 'admin@example.com'], env,
            f'trytond-admin --all ({self.name})', ADMIN_TIMEOUT)
        languages = ['-l', self.language] if self.language else []
        _run(admin + ['-u', *self.modules, '--activate-dependencies']
            + languages, env,
            f'trytond-admin -u {" ".join(self.modules)}', ADMIN_TIMEOUT)

    def drop(self):
        try:
            drop_database(self.name)
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)


class Database:
    "A fresh database (a clone of the template) and its admin password"

    def __init__(self, name, password):
        self.name = name
        self.password = password

    def connect(self, autocommit=True):
        return connect(self.name, autocommit=autocommit)

    def query(self, sql, params=None):
        "Return the rows of a query, in its own connection"
        with self.connect() as conn:
            return conn.execute(sql, params).fetchall()

    def scalar(self, sql, params=None):
        rows = self.query(sql, params)
        return rows[0][0]


@contextmanager
def fresh_database(modules=MODULES, language=None, name=None):
    """Yield a new Database (named `name`, or a unique name) with the
    modules (and the language) activated; drop it at the end, whatever
    happens.  The template is built once per process for each modules and
    language: the long tests that need the same share it."""
    template = Template.get(modules, language)
    name = name or unique_name()
    try:
        start = time.monotonic()
        with connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE '
                f'"{template.name}" ENCODING \'UTF8\'')
        print(f'database {name} cloned from {template.name} in '
            f'{time.monotonic() - start:.1f}s', flush=True)
        yield Database(name, template.password)
    finally:
        drop_database(name)


class Server:
    """trytond serving `database` on a free port of 127.0.0.1, as a
    subprocess; each start logs to its own file in `workdir`
    (<name>-<n>.log)"""

    def __init__(self, database, workdir, name='trytond'):
        self.database = database
        self.workdir = Path(workdir)
        self.name = name
        self.proc = None
        self.port = None
        self.starts = 0
        self.log_path = None
        self._log = None

    @property
    def base_url(self):
        return f'http://127.0.0.1:{self.port}'

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def client(self, timeout=CALL_TIMEOUT):
        return Client(self.base_url, self.database, timeout=timeout)

    def start(self, timeout=SERVER_START_TIMEOUT):
        assert self.proc is None, "the server is running"
        self.starts += 1
        self.port = free_port()
        conf = write_config(
            self.workdir / f'{self.name}-{self.starts}.conf',
            listen=f'127.0.0.1:{self.port}')
        self.log_path = self.workdir / f'{self.name}-{self.starts}.log'
        self._log = open(self.log_path, 'w', encoding='utf-8')
        self.proc = subprocess.Popen(
            [str(PYTHON), '-O', str(BIN / 'trytond'), '-c', str(conf),
                '-d', self.database],
            cwd=REPO, env=environment(), stdout=self._log,
            stderr=subprocess.STDOUT)
        start = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self._close()
                raise AssertionError(f'trytond exited with {code}:\n'
                    + self.log_tail())
            try:
                version = Client(self.base_url, None, timeout=5).call(
                    'common.server.version')
                break
            except (OSError, http.client.HTTPException, RPCError):
                pass
            if time.monotonic() - start > timeout:
                self.stop()
                raise AssertionError(f'trytond did not answer on '
                    f'{self.base_url} within {timeout}s:\n'
                    + self.log_tail())
            time.sleep(0.2)
        print(f'trytond {version} (pid {self.proc.pid}) answers on '
            f'{self.base_url} after {time.monotonic() - start:.1f}s',
            flush=True)

    def stop(self, timeout=30):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()

    def kill(self):
        "SIGKILL: no cleanup of any kind in the server"
        assert self.proc is not None and self.proc.poll() is None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        code = self.proc.returncode
        self._close()
        return code

    def restart(self):
        self.stop()
        self.start()

    def _close(self):
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def log_tail(self, size=6000, path=None):
        path = path or self.log_path
        try:
            return Path(path).read_text(encoding='utf-8')[-size:]
        except (OSError, TypeError):
            return '(no log)'

    def logs(self):
        "The text of every log of this server, oldest first"
        return [(p, p.read_text(encoding='utf-8')) for p in sorted(
                self.workdir.glob(f'{self.name}-*.log'),
                key=lambda p: int(p.stem.rsplit('-', 1)[1]))]

    def errors(self):
        "The ERROR lines and tracebacks of every log of this server"
        return [line for _, text in self.logs()
            for line in text.splitlines()
            if ' ERROR ' in line or line.startswith('Traceback')]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        if exc_type is not None:
            for path, text in self.logs():
                print(f'--- tail of {path.name} ---\n{text[-4000:]}')
        return False


class Client(rpc.Client):
    "JSON-RPC over HTTP to a trytond server at `base_url`"

    def __init__(self, base_url, database, timeout=CALL_TIMEOUT):
        super().__init__(database)
        self.base_url = base_url
        self.timeout = timeout

    def post(self, path, body, headers):
        host, port = self.base_url.split('//')[1].split(':')
        conn = http.client.HTTPConnection(host, int(port),
            timeout=self.timeout)
        try:
            conn.request('POST', path, body, headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


# Worker processes ----------------------------------------------------------

class Worker:
    """A `python -O tests/rpc_harness.py` process; its stdout is read by a
    thread, line by line"""

    def __init__(self, module_file, function, kwargs, orm=None, label=None,
            log_dir=None):
        self.label = label or function
        cmd = [str(PYTHON), '-O', str(HARNESS), str(module_file), function,
            json.dumps(kwargs, cls=JSONEncoder)]
        if orm:
            cmd += ['--orm', orm]
        # in the caller's directory, else a temporary file removed by kill()
        self._temporary = log_dir is None
        self.stderr_path = Path(log_dir or tempfile.gettempdir()) / (
            f'{self.label}-{os.getpid()}-{secrets.token_hex(4)}.stderr')
        self._stderr = open(self.stderr_path, 'w', encoding='utf-8')
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=environment(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True, encoding='utf-8')
        self.lines = queue.Queue()
        self.output = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line.rstrip('\n'))
        self.lines.put(None)

    def wait_line(self, prefix, timeout):
        "Return the first line starting with prefix"
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f'{self.label}: no {prefix!r} within {timeout}s\n'
                    + self.describe())
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self.proc.wait()
                raise AssertionError(f'{self.label} ended (exit '
                    f'{self.proc.returncode}) before {prefix!r}\n'
                    + self.describe())
            if line.startswith(prefix):
                return line

    def send(self, line):
        self.proc.stdin.write(line + '\n')
        self.proc.stdin.flush()

    def result(self, timeout):
        "Wait for the end of the worker; return what its function returned"
        line = self.wait_line('RESULT ', timeout)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._stderr.close()
        return json.loads(line[len('RESULT '):], object_hook=JSONDecoder())

    def describe(self):
        self._stderr.flush()
        try:
            stderr = self.stderr_path.read_text(encoding='utf-8')
        except OSError:
            stderr = ''
        return (''.join(self.output)[-3000:]
            + '\n--- stderr ---\n' + stderr[-6000:])

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()
        if self._temporary:
            self.stderr_path.unlink(missing_ok=True)


def start_worker(module_file, function, label=None, log_dir=None, **kwargs):
    return Worker(module_file, function, kwargs, label=label,
        log_dir=log_dir)


def run_orm(database, module_file, function, timeout=ADMIN_TIMEOUT,
        **kwargs):
    """Run function(pool, **kwargs) of module_file in a committed trytond
    transaction as root (in a subprocess); return its result"""
    worker = Worker(module_file, function, kwargs, orm=database)
    try:
        start = time.monotonic()
        result = worker.result(timeout)
        print(f'{function}: {time.monotonic() - start:.1f}s', flush=True)
        return result
    finally:
        worker.kill()


def _worker_main(argv):
    module_file, function, kwargs = argv[0], argv[1], argv[2]
    kwargs = json.loads(kwargs, object_hook=JSONDecoder())
    orm = argv[4] if len(argv) > 4 and argv[3] == '--orm' else None
    spec = importlib.util.spec_from_file_location(
        '_rpc_worker_module', module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = getattr(module, function)
    if orm:
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        Pool.start()
        pool = Pool(orm)
        pool.init()
        with Transaction().start(orm, 0, context={'language': 'en'}) as tx:
            result = target(pool, **kwargs)
            tx.commit()
    else:
        result = target(**kwargs)
    print('RESULT ' + json.dumps(result, cls=JSONEncoder), flush=True)


# PostgreSQL's view of the server -------------------------------------------

class PgMonitor:
    "An autocommit connection to the database, to watch the server's backends"

    def __init__(self, database):
        self.database = database
        self.conn = connect(database)
        self.pid = self.conn.info.backend_pid

    def close(self):
        self.conn.close()

    def backends(self, exclude=()):
        """{pid: row} of the other backends of the database; a row has
        state, transaction age (s), wait_event_type, backend_xid"""
        rows = self.conn.execute(
            'SELECT pid, state, '
            'EXTRACT(EPOCH FROM clock_timestamp() - xact_start), '
            'wait_event_type, backend_xid::text, query '
            'FROM pg_stat_activity WHERE datname = %s AND pid <> %s',
            (self.database, self.pid)).fetchall()
        return {r[0]: {'state': r[1], 'xact_age': r[2], 'wait': r[3],
                'xid': r[4], 'query': r[5]}
            for r in rows if r[0] not in exclude}

    def written_tables(self, pid):
        "The tables the backend inserted into, updated or deleted from"
        return {r[0] for r in self.conn.execute(
                'SELECT c.relname FROM pg_locks l '
                'JOIN pg_class c ON c.oid = l.relation '
                "WHERE l.pid = %s AND l.granted "
                "AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'",
                (pid,))}

    def waits_on(self, pid):
        "The tables whose lock the backend waits for"
        return {r[0] for r in self.conn.execute(
                'SELECT c.relname FROM pg_locks l '
                'JOIN pg_class c ON c.oid = l.relation '
                'WHERE l.pid = %s AND NOT l.granted', (pid,))}

    def wait_for_writer(self, tables, min_age=0.5, timeout=300,
            exclude=(), waiting_on=None, deadline_check=None):
        """Wait until a backend is in a transaction older than `min_age`
        seconds that wrote `tables` (and waits on `waiting_on` if given);
        return (pid, its pg_stat_activity row, the tables it wrote)"""
        tables = set(tables)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pid, row in self.backends(exclude).items():
                if row['xact_age'] is None or row['xact_age'] < min_age:
                    continue
                written = self.written_tables(pid)
                if not tables <= written:
                    continue
                if waiting_on and waiting_on not in self.waits_on(pid):
                    continue
                return pid, row, written
            if deadline_check:
                deadline_check()
            time.sleep(0.01)
        raise AssertionError(f'no backend of {self.database} wrote '
            f'{sorted(tables)} within {timeout}s: {self.backends(exclude)}')

    def wait_gone(self, pids, timeout=60):
        """Wait until none of `pids` is a backend any more; return the
        seconds it took"""
        start = time.monotonic()
        while True:
            left = set(pids) & set(self.backends())
            if not left:
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise AssertionError(f'backends {sorted(left)} still there '
                    f'{timeout}s after the server died: '
                    f'{self.backends()}')
            time.sleep(0.1)

    def leftovers(self):
        """What a dead server could leave behind: prepared transactions,
        and locks held by backends of the database (this one excluded)"""
        prepared = self.conn.execute(
            'SELECT gid FROM pg_prepared_xacts WHERE database = %s',
            (self.database,)).fetchall()
        locks = self.conn.execute(
            'SELECT l.pid, l.locktype, l.mode, l.relation::regclass::text '
            'FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid '
            'WHERE a.datname = %s AND l.pid <> %s',
            (self.database, self.pid)).fetchall()
        in_transaction = {pid: row for pid, row in self.backends().items()
            if row['state'] and row['state'].startswith('idle in')}
        return {'prepared': prepared, 'locks': locks,
            'idle_in_transaction': in_transaction}


if __name__ == '__main__':
    _worker_main(sys.argv[1:])
