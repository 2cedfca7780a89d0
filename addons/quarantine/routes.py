# This file is part of the quarantine module.  See README.md for licensing.
"""The public page that verifies a release certificate: the address its QR
code carries, served by trytond without login"""
from trytond.protocols.wrappers import (
    HTTPStatus, Response, abort, with_pool, with_transaction)
from trytond.wsgi import app

# Also in verification.py (imported when called: under pytest this file may
# be imported twice, as quarantine.routes and trytond.modules.quarantine.routes,
# and the models' module must be imported once)
PAGE_LANGUAGE = 'zh_CN'
PATH = '/<database_name>/quarantine/verify'

HEADERS = {
    'Cache-Control': 'no-store',
    # the address carries the verification code
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'"),
    }


def html(content, status=HTTPStatus.OK):
    return Response(content, status=status, headers=HEADERS,
        content_type='text/html; charset=utf-8')


@with_pool
@with_transaction(readonly=False, context={'language': PAGE_LANGUAGE})
def verify_certificate(request, pool):
    from trytond.modules.quarantine.verification import (
        MAX_INPUT, form_page, limited_page, normalize_code, result_page)
    try:
        Attempt = pool.get('quarantine.certificate.verification_attempt')
        Stay = pool.get('quarantine.stay')
    except KeyError:
        # a database without the module
        abort(HTTPStatus.NOT_FOUND)
    number = ' '.join(request.args.get('number', '').split())[:MAX_INPUT]
    code = normalize_code(request.args.get('code', ''))
    if not number and not code:
        return html(form_page())
    # As the login: over the limit, the request is refused and not counted
    # (the goal is to stop a flood, not to lock a checkpoint out for ever)
    if Attempt.exceeded():
        return html(limited_page(), HTTPStatus.TOO_MANY_REQUESTS)
    Attempt.add()
    return html(result_page(Stay.verify_certificate(number, code)))


if not any(rule.rule == PATH for rule in app.url_map.iter_rules()):
    app.route(PATH, methods=['GET'])(verify_certificate)
