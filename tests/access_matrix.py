# The access matrix of the three modules: who may do what, on which rows.
"""The single source of the access matrix (issue 15): for each role of
the small city (addons/quarantine/tests/city.py) and each model, wizard,
report and RPC method of the three modules, the expected outcome.

tests/test_access_matrix.py checks every cell over JSON-RPC, and
scripts/access_table.py renders the README's "Security" tables from this
data, so the test, the data and the README cannot drift. Pure data: no
import of trytond here (the script reads it without a database).

Rows: site A is the site of the site roles (manager_a, clerk_a,
medical_a), site B another site. Each cell is one letter:

    A  all rows: site A's and site B's rows are allowed
    O  own site: site A's rows are allowed, site B's refused (or not found)
    M  all rows, identity numbers masked (all but the last 4 digits)
    -  refused: no row (or nothing of the residents) is allowed
    x  not applicable: create and delete of a singleton; every operation
       of a relation table trytond does not serve over RPC (it is changed
       through its parent's field, whose row says who may)

For a model not tied to a site, "A's row" and "B's row" are two records
that only `ROWS` tells apart (e.g. a truck and a bus for vehicles); `O`
then means the first only.
"""

ROLES = [
    # (login in city.py, label of the README's table)
    ('city_admin', "administrator"),
    ('manager_a', "site manager A"),
    ('clerk_a', "clerk A"),
    ('medical_a', "medical A"),
    ('transfer', "transfer team"),
    ('logistics', "logistics"),
    ('nogroup', "no group"),
    ]
LOGINS = [login for login, _ in ROLES]

# The operations of a model's cell string, in this order
OPERATIONS = ['search', 'read', 'write', 'create', 'delete']
OUTCOMES = {
    'A': "all",
    'O': "own",
    'M': "all, masked",
    '-': "—",
    'x': "n/a",
    }

# What A's and B's rows are, where they are not "of site A" and "of site B"
ROWS = {
    'quarantine.configuration': "the singleton; create, delete n/a",
    'quarantine.area': "two areas",
    'quarantine.regime': "two regimes",
    'quarantine.deadline': "two deadlines by category",
    'quarantine.site': "site A and site B; created sites belong to no user",
    'party.party': "a resident of site A and of site B; create: a new party",
    'party.identifier': "the identity number of a resident of A, of B",
    'party.address': "the address of a resident of A, of B",
    'party.contact_mechanism': "the phone of a resident of A, of B",
    'quarantine.access.log': "two log entries (of A's and B's exports)",
    'quarantine.commission.export':
        "two lists of the city; written by the server only",
    'quarantine.certificate.key': "no RPC: the server's signing keys",
    'quarantine.certificate.verification_attempt':
        "no RPC: the verification page's counter",
    'quarantine.vehicle': "A: a truck, B: a bus",
    'quarantine.vehicle.disinfection': "A: a truck's, B: a bus's",
    'res.user': "two users",
    'res.user-quarantine.site': "no RPC: through `res.user.quarantine_sites`",
    'res.user-quarantine.area': "no RPC: through `res.user.quarantine_areas`",
    'res.user-res.group': "no RPC: through `res.user.groups`",
    'ir.rule': "two rules",
    'ir.translation': "two translations; quarantine only clears the fuzzy "
        "flag of those its overrides confirm, at module loading",
    'ir.cron': "two scheduled jobs",
    'quarantine.transfer': "a transfer of a resident of A, of B",
    'quarantine.supply.contract': "two contracts",
    'quarantine.supply.contract.line': "lines of two contracts",
    'quarantine.supply.contract.community': "communities of two contracts",
    'quarantine.supply.contract-quarantine.site':
        "no RPC: through `quarantine.supply.contract.sites`",
    'quarantine.supply.plan-quarantine.site':
        "no RPC: through `quarantine.supply.plan.sites`",
    'quarantine.supply.norm': "two ration norms",
    'quarantine.supply.driver_test': "two drivers' tests",
    'quarantine.supply.price': "two prices",
    'quarantine.supply.market.incident': "two market incidents",
    'quarantine.supply.market.response': "two market responses",
    'quarantine.supply.market.response.task': "tasks of two responses",
    'quarantine.supply.survey': "two suppliers' daily surveys",
    'quarantine.supply.survey.line': "figures of two daily surveys",
    'purchase.purchase': "purchases into A's and B's warehouses",
    'stock.move': "moves into A's and B's warehouses",
    'product.template': "two products",
    'product.product': "two products",
    }

# Model → {role: search, read, write, create, delete}
_ADMIN_ONLY_EDIT = {
    'city_admin': 'AAAAA', 'manager_a': 'AA---', 'clerk_a': 'AA---',
    'medical_a': 'AA---', 'transfer': 'AA---', 'logistics': 'AA---',
    'nogroup': 'AA---'}
_READ_ONLY = {login: 'AA---' for login in LOGINS}
_LOGISTICS = {
    'city_admin': 'AAAAA', 'manager_a': 'AA---', 'clerk_a': '-----',
    'medical_a': '-----', 'transfer': '-----', 'logistics': 'AAAAA',
    'nogroup': '-----'}
_LOGISTICS_SITES = {
    'city_admin': 'AAAAA', 'manager_a': 'OO---', 'clerk_a': '-----',
    'medical_a': '-----', 'transfer': '-----', 'logistics': 'AAAAA',
    'nogroup': '-----'}
_NOBODY_EDITS = {login: '-----' for login in LOGINS}
_RESIDENT_DETAILS = {
    'city_admin': 'AAAAA', 'manager_a': 'OOOOO', 'clerk_a': 'OOOOO',
    'medical_a': 'OO---', 'transfer': 'AA---', 'logistics': 'AA---',
    'nogroup': '-----'}
_NO_RPC = {login: 'xxxxx' for login in LOGINS}
_CHANGE_LOG = {
    'city_admin': 'AA-A-', 'manager_a': 'OO-O-', 'clerk_a': 'OO-O-',
    'medical_a': 'OO-O-', 'transfer': '-----', 'logistics': '-----',
    'nogroup': '-----'}

MODELS = {
    # quarantine
    'quarantine.configuration': {
        'city_admin': 'AAAxx', 'manager_a': 'AA-xx', 'clerk_a': 'AA-xx',
        'medical_a': 'AA-xx', 'transfer': 'AA-xx', 'logistics': 'AA-xx',
        'nogroup': 'AA-xx'},
    'quarantine.area': _ADMIN_ONLY_EDIT,
    'quarantine.regime': _ADMIN_ONLY_EDIT,
    'quarantine.deadline': _ADMIN_ONLY_EDIT,
    'quarantine.site': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOA-', 'clerk_a': 'OO---',
        'medical_a': 'OO---', 'transfer': 'AA---', 'logistics': 'AA---',
        'nogroup': '-----'},
    'quarantine.room': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOOO', 'clerk_a': 'OO---',
        'medical_a': 'OO---', 'transfer': '-----', 'logistics': 'AA---',
        'nogroup': '-----'},
    'quarantine.room.turnover': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOO-', 'clerk_a': 'OOOO-',
        'medical_a': 'OOOO-', 'transfer': '-----', 'logistics': 'AA---',
        'nogroup': '-----'},
    'quarantine.staff': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOOO', 'clerk_a': 'OOOO-',
        'medical_a': 'OO---', 'transfer': '-----', 'logistics': 'AA---',
        'nogroup': '-----'},
    'quarantine.staff.test': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOO-', 'clerk_a': 'OOOO-',
        'medical_a': 'OOOO-', 'transfer': '-----', 'logistics': '-----',
        'nogroup': '-----'},
    'quarantine.stay': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOOO', 'clerk_a': 'OOOO-',
        'medical_a': 'OOO--', 'transfer': 'AA---', 'logistics': 'AA---',
        'nogroup': '-----'},
    'quarantine.stay.end_date_change': _CHANGE_LOG,
    'quarantine.stay.room_change': _CHANGE_LOG,
    'quarantine.sample': {
        'city_admin': 'AAAAA', 'manager_a': 'OO---', 'clerk_a': 'OOOO-',
        'medical_a': 'OOOO-', 'transfer': '-----', 'logistics': '-----',
        'nogroup': '-----'},
    'quarantine.monitoring': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOO-', 'clerk_a': 'OOOO-',
        'medical_a': 'OOOO-', 'transfer': '-----', 'logistics': '-----',
        'nogroup': '-----'},
    'quarantine.home_monitoring': {
        'city_admin': 'AAAAA', 'manager_a': 'OO---', 'clerk_a': 'OOOO-',
        'medical_a': 'OOOO-', 'transfer': '-----', 'logistics': '-----',
        'nogroup': '-----'},
    'quarantine.daily_report.submission': {
        'city_admin': 'AAAAA', 'manager_a': 'OO-O-', 'clerk_a': 'OO-O-',
        'medical_a': 'OO---', 'transfer': '-----', 'logistics': 'AA---',
        'nogroup': '-----'},
    # the health commission's lists: the command centre reads them, the
    # server (its wizard, its scheduled job) writes them
    'quarantine.commission.export': dict(_NOBODY_EDITS, city_admin='AA---'),
    # residents' parties: readable where a stay of theirs is, writable by
    # their site's managers and clerks, masked for the read-only city roles
    'party.party': {
        'city_admin': 'AAAA-', 'manager_a': 'OOOA-', 'clerk_a': 'OOOA-',
        'medical_a': 'OO-A-', 'transfer': 'MM-A-', 'logistics': 'MM-A-',
        # Tryton's party module lets any user create a party (a supplier,
        # a contact): a new party is nobody's resident
        'nogroup': '---A-'},
    'party.identifier': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOOO', 'clerk_a': 'OOOOO',
        'medical_a': 'OO---', 'transfer': 'MM---', 'logistics': 'MM---',
        'nogroup': '-----'},
    # a resident's address and phone: as the resident
    'party.address': _RESIDENT_DETAILS,
    'party.contact_mechanism': _RESIDENT_DETAILS,
    # who exported or printed identity numbers: administrators read it,
    # nobody changes it (the server writes it)
    'quarantine.access.log': dict(_NOBODY_EDITS, city_admin='AA---'),
    # the certificates' signing keys and the verification page's counter:
    # server code only
    # server code only, not served over RPC at all
    'quarantine.certificate.key': _NO_RPC,
    'quarantine.certificate.verification_attempt': _NO_RPC,
    'quarantine.vehicle': {
        'city_admin': 'AAAAA', 'manager_a': 'AA---', 'clerk_a': '-----',
        'medical_a': 'AA---', 'transfer': 'AAAA-', 'logistics': 'AAOOO',
        'nogroup': '-----'},
    'quarantine.vehicle.disinfection': {
        'city_admin': 'AAAAA', 'manager_a': 'AA---', 'clerk_a': '-----',
        'medical_a': 'AA---', 'transfer': 'AAAAA', 'logistics': 'AAOOO',
        'nogroup': '-----'},
    'res.user': _READ_ONLY,
    'res.user-quarantine.site': _NO_RPC,
    'res.user-quarantine.area': _NO_RPC,
    'res.user-res.group': _NO_RPC,
    'ir.rule': _READ_ONLY,
    'ir.translation': _READ_ONLY,
    # quarantine_transfer
    'ir.cron': _READ_ONLY,
    'quarantine.transfer': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOO-', 'clerk_a': '-----',
        'medical_a': 'OOOO-', 'transfer': 'AAAAA', 'logistics': '-----',
        'nogroup': '-----'},
    'quarantine.transfer.line': {
        'city_admin': 'AAAAA', 'manager_a': 'OOOO-', 'clerk_a': '-----',
        'medical_a': 'OOOO-', 'transfer': 'AAAAA', 'logistics': '-----',
        'nogroup': '-----'},
    # quarantine_supply
    'quarantine.supply.contract': _LOGISTICS,
    'quarantine.supply.contract.line': _LOGISTICS,
    'quarantine.supply.contract.community': _LOGISTICS,
    'quarantine.supply.contract-quarantine.site': _NO_RPC,
    'quarantine.supply.norm': _LOGISTICS,
    'quarantine.supply.driver_test': _LOGISTICS,
    'quarantine.supply.price': _LOGISTICS,
    'quarantine.supply.market.incident': _LOGISTICS,
    'quarantine.supply.market.response': _LOGISTICS,
    'quarantine.supply.market.response.task': _LOGISTICS,
    'quarantine.supply.survey': _LOGISTICS,
    'quarantine.supply.survey.line': _LOGISTICS,
    'quarantine.supply.plan': _LOGISTICS_SITES,
    'quarantine.supply.plan-quarantine.site': _NO_RPC,
    'quarantine.supply.plan.line': _LOGISTICS_SITES,
    'quarantine.supply.dispatch': dict(_LOGISTICS_SITES, manager_a='OOO--'),
    'quarantine.supply.dispatch.line': dict(
        _LOGISTICS_SITES, manager_a='OOO--'),
    'quarantine.supply.allocation': dict(
        _LOGISTICS_SITES, manager_a='OOOO-'),
    'quarantine.supply.allocation.line': dict(
        _LOGISTICS_SITES, manager_a='OOOO-'),
    # Tryton's own models the modules extend: Tryton's own groups (purchase,
    # stock, product administration), which no role of the city has
    'purchase.purchase': _NOBODY_EDITS,
    'stock.move': _NOBODY_EDITS,
    'product.template': _READ_ONLY,
    'product.product': _READ_ONLY,
    }

# Wizard → (what it runs, {role: outcome}); each is run with site B's
# records or site B chosen; `O` roles are refused there and, for the
# wizards that only read (`READ_ONLY_WIZARDS`), allowed on site A
WIZARDS = {
    'quarantine.daily_report:print_': (
        "daily report of chosen sites",
        {'city_admin': 'A', 'manager_a': 'O', 'clerk_a': 'O'}),
    'quarantine.daily_report:submit': (
        "submit the daily report of chosen sites",
        {'city_admin': 'A', 'manager_a': 'O', 'clerk_a': 'O'}),
    'quarantine.commission.export.generate': (
        "a health commission's list of a day (no site)",
        {'city_admin': 'A'}),
    'quarantine.room.create': (
        "rooms created in a site",
        {'city_admin': 'A', 'manager_a': 'O'}),
    'quarantine.stay.change_end_date': (
        "a stay's end date",
        {'city_admin': 'A', 'manager_a': 'O', 'medical_a': 'O'}),
    'quarantine.stay.change_room': (
        "a stay's room",
        {'city_admin': 'A', 'manager_a': 'O'}),
    'quarantine.stay.allocate': (
        "draft stays into a site's rooms",
        {'city_admin': 'A', 'manager_a': 'O', 'clerk_a': 'O'}),
    'quarantine.stay.import': (
        "an arrival list into a site",
        {'city_admin': 'A', 'manager_a': 'O', 'clerk_a': 'O'}),
    'quarantine.stay.ledger': (
        "the residents' ledger of a site",
        {'city_admin': 'A', 'manager_a': 'O'}),
    'quarantine.stay.notify': (
        "the community notification of a site",
        {'city_admin': 'A', 'manager_a': 'O', 'medical_a': 'O'}),
    'quarantine.site.print_roster:excel': (
        "the sampling roster of a site (workbook)",
        {'city_admin': 'A', 'medical_a': 'O'}),
    'quarantine.site.print_roster:print_': (
        "the sampling roster of a site (PDF)",
        {'city_admin': 'A', 'medical_a': 'O'}),
    'quarantine.sample.record': (
        "results of samples",
        {'city_admin': 'A', 'clerk_a': 'O', 'medical_a': 'O'}),
    'quarantine.sample.import': (
        "a lab result sheet (by sample code)",
        {'city_admin': 'A', 'clerk_a': 'O', 'medical_a': 'O'}),
    'quarantine.transfer.reconcile': (
        "the signed copies of a handover form",
        {'city_admin': 'A', 'transfer': 'A'}),
    'quarantine.supply.import': (
        "ration norms (no site)",
        {'city_admin': 'A', 'logistics': 'A'}),
    'quarantine.supply.price.import': (
        "prices (no site)",
        {'city_admin': 'A', 'logistics': 'A'}),
    'quarantine.supply.price.report': (
        "the price monitoring report (no site)",
        {'city_admin': 'A', 'manager_a': 'A', 'logistics': 'A'}),
    }
READ_ONLY_WIZARDS = {
    'quarantine.daily_report:print_', 'quarantine.stay.ledger',
    'quarantine.stay.notify', 'quarantine.site.print_roster:excel',
    'quarantine.site.print_roster:print_', 'quarantine.supply.price.report',
    }

# Report → {role: outcome}, printed on site A's and on site B's record
REPORTS = {
    'quarantine.site.room_board': {'city_admin': 'A', 'manager_a': 'O'},
    'quarantine.site.sampling_roster': {
        'city_admin': 'A', 'manager_a': 'O', 'medical_a': 'O'},
    'quarantine.site.staff_roster': {
        'city_admin': 'A', 'manager_a': 'O', 'medical_a': 'O'},
    'quarantine.stay.release_certificate': {
        'city_admin': 'A', 'clerk_a': 'O', 'medical_a': 'O'},
    # the papers a resident gets at admission (who admits prints them)
    'quarantine.stay.admission_notice': {
        'city_admin': 'A', 'manager_a': 'O', 'clerk_a': 'O'},
    'quarantine.stay.commitment_letter': {
        'city_admin': 'A', 'manager_a': 'O', 'clerk_a': 'O'},
    # the sending and the receiving site sign the handover form too
    'quarantine.transfer.handover': {
        'city_admin': 'A', 'manager_a': 'O', 'medical_a': 'O',
        'transfer': 'A'},
    'quarantine.transfer.handover_blank': {
        'city_admin': 'A', 'manager_a': 'O', 'medical_a': 'O',
        'transfer': 'A'},
    'quarantine.supply.plan.guidance': {
        'city_admin': 'A', 'manager_a': 'O', 'logistics': 'A'},
    'quarantine.supply.plan.sheet': {
        'city_admin': 'A', 'manager_a': 'O', 'logistics': 'A'},
    'quarantine.supply.contract.ledger_sheet': {
        'city_admin': 'A', 'logistics': 'A'},
    'quarantine.supply.dispatch.note': {
        'city_admin': 'A', 'manager_a': 'O', 'logistics': 'A'},
    'quarantine.supply.allocation.form': {
        'city_admin': 'A', 'manager_a': 'O', 'logistics': 'A'},
    }

# RPC methods the modules add (buttons included) → {role: outcome}: called
# with no record (may the role press it at all) and on site B's record
_ADMIN = {'city_admin': 'A'}
_SITE_MANAGER = {'city_admin': 'A', 'manager_a': 'O'}
_TRANSFER_TEAM = {'city_admin': 'A', 'transfer': 'A'}
_LOGISTICS_BUTTON = {'city_admin': 'A', 'logistics': 'A'}
METHODS = {
    'quarantine.configuration.rotate_certificate_key': _ADMIN,
    'quarantine.site.standby': _SITE_MANAGER,
    'quarantine.site.activate': _SITE_MANAGER,
    'quarantine.site.close': _SITE_MANAGER,
    'quarantine.site.plan_staff_tests': dict(_SITE_MANAGER, medical_a='O'),
    'quarantine.site.draft': _ADMIN,
    'quarantine.room.to_cleaning': _SITE_MANAGER,
    'quarantine.room.clear': dict(_SITE_MANAGER, medical_a='O'),
    'quarantine.room.out_of_service': _SITE_MANAGER,
    'quarantine.room.put_in_service': _SITE_MANAGER,
    'quarantine.sample.resample': {'city_admin': 'A', 'medical_a': 'O'},
    'quarantine.stay.admit': dict(_SITE_MANAGER, clerk_a='O'),
    'quarantine.stay.print_admission_notice': dict(_SITE_MANAGER, clerk_a='O'),
    'quarantine.stay.print_commitment_letter': dict(
        _SITE_MANAGER, clerk_a='O'),
    'quarantine.stay.verify': dict(_SITE_MANAGER, clerk_a='O'),
    'quarantine.stay.cancel': _SITE_MANAGER,
    'quarantine.stay.draft': _SITE_MANAGER,
    'quarantine.stay.change_end_date': dict(_SITE_MANAGER, medical_a='O'),
    'quarantine.stay.change_room': _SITE_MANAGER,
    'quarantine.stay.clear_health_flag': {
        'city_admin': 'A', 'medical_a': 'O'},
    'quarantine.stay.release': {'city_admin': 'A', 'medical_a': 'O'},
    # Henan L525: a resident with fever or symptoms to the fever clinic
    'quarantine.stay.send_to_fever_clinic': {
        'city_admin': 'A', 'medical_a': 'O'},
    # the check of a certificate by number and code for the users who read
    # stays; the public one is the verification page (no login)
    'quarantine.stay.verify_certificate': {
        login: 'A' for login in LOGINS if login != 'nogroup'},
    'quarantine.transfer.request': {
        'city_admin': 'A', 'manager_a': 'O', 'medical_a': 'O',
        'transfer': 'A'},
    'quarantine.transfer.dispatch': _TRANSFER_TEAM,
    'quarantine.transfer.arrive': dict(_TRANSFER_TEAM, manager_a='O'),
    'quarantine.transfer.cancel': _TRANSFER_TEAM,
    'quarantine.transfer.draft': _TRANSFER_TEAM,
    'quarantine.supply.contract.activate': _LOGISTICS_BUTTON,
    'quarantine.supply.contract.close': _LOGISTICS_BUTTON,
    'quarantine.supply.contract.draft': _LOGISTICS_BUTTON,
    'quarantine.supply.plan.compute': _LOGISTICS_BUTTON,
    'quarantine.supply.plan.confirm': _LOGISTICS_BUTTON,
    'quarantine.supply.plan.cancel': _LOGISTICS_BUTTON,
    'quarantine.supply.plan.draft': _LOGISTICS_BUTTON,
    'quarantine.supply.dispatch.load': _LOGISTICS_BUTTON,
    'quarantine.supply.dispatch.depart': _LOGISTICS_BUTTON,
    'quarantine.supply.dispatch.cancel': _LOGISTICS_BUTTON,
    'quarantine.supply.dispatch.draft': _LOGISTICS_BUTTON,
    'quarantine.supply.dispatch.deliver': dict(
        _LOGISTICS_BUTTON, manager_a='O'),
    'quarantine.supply.allocation.submit': dict(
        _LOGISTICS_BUTTON, manager_a='O'),
    'quarantine.supply.allocation.review': _LOGISTICS_BUTTON,
    'quarantine.supply.allocation.approve': _ADMIN,
    'quarantine.supply.allocation.refuse': _LOGISTICS_BUTTON,
    'quarantine.supply.allocation.fulfil': _LOGISTICS_BUTTON,
    'quarantine.supply.allocation.cancel': dict(
        _LOGISTICS_BUTTON, manager_a='O'),
    'quarantine.supply.allocation.draft': dict(
        _LOGISTICS_BUTTON, manager_a='O'),
    'quarantine.supply.market.response.evaluate': _LOGISTICS_BUTTON,
    'quarantine.supply.market.response.open': _LOGISTICS_BUTTON,
    'quarantine.supply.market.response.close': _LOGISTICS_BUTTON,
    }


def outcome(cells, login):
    "The outcome of a wizard, report or method for login ('-' if unnamed)"
    return cells.get(login, '-')


def model_cells(model, login):
    "{operation: outcome} of login on model"
    return dict(zip(OPERATIONS, MODELS[model][login]))
