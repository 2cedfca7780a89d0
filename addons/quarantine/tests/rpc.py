# This file is part of the quarantine module.  See README.md for licensing.
"""JSON-RPC as the web client talks it, for the tests.

`Client` speaks trytond's JSON-RPC (POST /<database>/rpc/ with {"id",
"method", "params"}, a Session authorization after `common.db.login`) over
a transport: `AppClient` calls trytond's WSGI application in this process
(werkzeug's test client, as trytond's RouteTestCase does: the request goes
through the same dispatcher, login, session and access checks as over the
network, without a server to start), tests/rpc_harness.py's `Client` over
HTTP to a server process.

No import of trytond's test tools here: the worker processes of
tests/rpc_harness.py use this module too.
"""
import base64
import gzip
import json

from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder

PASSWORD = 'Quarantine-Test-2026'


class RPCError(Exception):
    """An error answer: `clean` when it is a UserError the user is meant to
    read (`message`), not clean otherwise (server error, HTTP error...).
    `name` is the exception's class as trytond sends it (UserError for
    UserError and its subclasses, AccessError included)"""

    def __init__(self, kind, name, message, detail=''):
        super().__init__(kind, name, message, detail)
        self.kind = kind
        self.name = name
        self.message = message
        self.detail = detail

    @property
    def clean(self):
        return self.kind == 'user' and bool(self.message)

    def __str__(self):
        detail = f'\n{self.detail}' if self.detail else ''
        return f'{self.kind} {self.name}: {self.message}{detail}'


def answer(status, payload):
    "The result of a JSON-RPC answer, or raise its error as RPCError"
    # trytond 8.0 labels every answer longer than 1,400 characters gzip,
    # compressed or not (jsonrpc.JSONProtocol.response): trust the bytes,
    # not the header.
    if payload[:2] == b'\x1f\x8b':
        payload = gzip.decompress(payload)
    if status != 200:
        raise RPCError('http', f'HTTP {status}',
            payload.decode('utf-8', 'replace')[:2000])
    data = json.loads(payload.decode('utf-8'), object_hook=JSONDecoder())
    if 'error' in data:
        error = data['error']
        name = error[0] if error else ''
        args = error[1] if len(error) > 1 else None
        if name == 'UserError':
            message, description = (list(args) + ['', ''])[:2]
            raise RPCError('user', name, message, description or '')
        if name in {'UserWarning', 'ConcurrencyException',
                'LoginException'}:
            raise RPCError('tryton', name, str(args))
        # trytond sends (str(exception), traceback) for anything else
        raise RPCError('server', str(name), str(name), str(args or ''))
    return data.get('result')


class Client:
    """A JSON-RPC session of one user; `post(path, body, headers)` returns
    (HTTP status, body bytes)"""

    def __init__(self, database):
        self.database = database
        self.authorization = None
        self.context = {}
        self.user_id = None
        self._id = 0

    def post(self, path, body, headers):
        raise NotImplementedError

    def call(self, method, *params):
        self._id += 1
        body = json.dumps({'id': self._id, 'method': method,
                'params': list(params)}, cls=JSONEncoder,
            separators=(',', ':')).encode('utf-8')
        path = f'/{self.database}/rpc/' if self.database else '/rpc/'
        headers = {'Content-Type': 'application/json',
            'Accept-Encoding': 'gzip'}
        if self.authorization:
            headers['Authorization'] = self.authorization
        return answer(*self.post(path, body, headers))

    def login(self, login, password=PASSWORD, language='en'):
        result = self.call('common.db.login', login,
            {'password': password}, language)
        # (user id, session[, bus url])
        self.user_id, session = result[0], result[1]
        token = base64.b64encode(
            f'{login}:{self.user_id}:{session}'.encode('utf-8')).decode()
        self.authorization = f'Session {token}'
        self.context = self.call('model.res.user.get_preferences', True, {})
        return self.user_id

    def model(self, model, method, *args, context=None):
        return self.call(f'model.{model}.{method}', *args,
            dict(self.context, **(context or {})))

    def wizard_create(self, wizard, context=None):
        "Return (session id, start state, end state)"
        return self.call(f'wizard.{wizard}.create',
            dict(self.context, **(context or {})))

    def wizard_execute(self, wizard, session_id, data, state, context=None):
        return self.call(f'wizard.{wizard}.execute', session_id, data, state,
            dict(self.context, **(context or {})))

    def wizard_delete(self, wizard, session_id, context=None):
        return self.call(f'wizard.{wizard}.delete', session_id,
            dict(self.context, **(context or {})))

    def wizard(self, wizard, model, ids, states, context=None):
        """Run `wizard` on the records `ids` of `model` through `states`,
        a list of (state, data) pairs, as the web client does; return the
        answer of the last state"""
        context = dict(context or {}, active_model=model,
            active_id=ids[0] if ids else None, active_ids=list(ids))
        session_id, _, _ = self.wizard_create(wizard, context=context)
        try:
            result = None
            for state, data in states:
                result = self.wizard_execute(
                    wizard, session_id, data, state, context=context)
            return result
        finally:
            self.wizard_delete(wizard, session_id, context=context)

    def report(self, report, model, ids, data=None, context=None):
        "Return (format, content, direct print, name) of the report"
        data = dict(data or {}, model=model, id=ids[0] if ids else None,
            ids=list(ids))
        return self.call(f'report.{report}.execute', list(ids), data,
            dict(self.context, **(context or {})))


class AppClient(Client):
    "JSON-RPC to trytond's WSGI application in this process"

    def __init__(self, database):
        from trytond.wsgi import app
        from werkzeug.test import Client as TestClient
        from werkzeug.wrappers import Response
        super().__init__(database)
        self.client = TestClient(app, Response)

    def post(self, path, body, headers):
        response = self.client.post(path, data=body, headers=headers)
        return response.status_code, response.get_data()
