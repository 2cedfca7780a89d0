# This file is part of the quarantine module.  See README.md for licensing.
"""What users enter is bounded: no date in the future, no text longer than
its field.  The forms, the wizards, the sheets imported and the bulk path
ask the same functions, so that one rule holds on every path.

Text lengths are the fields' own `size` (trytond refuses a longer value
with its message ir.msg_size_validation); `size_error` gives that message
to the rows of an imported sheet before anything is written.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from trytond.i18n import gettext
from trytond.model.exceptions import SizeValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction

# The clocks of tablets, laboratories and the server differ by minutes.
CLOCK_SKEW = dt.timedelta(minutes=5)
# A bus may be registered the day before it comes.
ARRIVAL_DAYS_AHEAD = 1
# The start of a value too long to show in full in a message
SHOWN = 20


def future_error(value, field, days_ahead=0, wall_clock=False):
    """Return the translated reason why `value`, a date or a datetime
    entered as `field` (its label), is refused for being after today (or
    now, give or take the clocks' skew) plus `days_ahead` days; or None.

    A time typed in a sheet is the wall clock's, not the server's (UTC):
    with wall_clock, now is the later of the two."""
    if value is None:
        return None
    ahead = dt.timedelta(days=days_ahead)
    if isinstance(value, dt.datetime):
        now = dt.datetime.now().replace(microsecond=0)
        if wall_clock:
            now = max(now, _wall_clock())
        if value <= now + CLOCK_SKEW + ahead:
            return None
        return gettext('quarantine.msg_datetime_future', field=field,
            value=value.replace(microsecond=0), now=now)
    today = dt.date.today()
    if value <= today + ahead:
        return None
    if days_ahead:
        return gettext('quarantine.msg_date_ahead', field=field,
            value=value, limit=today + ahead)
    return gettext('quarantine.msg_date_future', field=field,
        value=value, today=today)


def _wall_clock():
    "The time of the company's time zone, without the zone"
    company_id = Transaction().context.get('company') if _pool_ready() \
        else None
    if company_id is None or company_id < 0:
        return dt.datetime.now().replace(microsecond=0)
    timezone = Pool().get('company.company')(company_id).timezone
    return dt.datetime.now(ZoneInfo(timezone) if timezone else None
        ).replace(microsecond=0, tzinfo=None)


def arrival_date_error(value, field):
    "An arrival may be registered one day ahead, not more"
    return future_error(value, field, ARRIVAL_DAYS_AHEAD)


def field_label(model, name):
    "The label of the field `name` of `model`, in the user's language"
    if not _pool_ready():
        return name
    return Pool().get('ir.model.field').get_name(model, name)


def _pool_ready():
    """Whether the models can be read: a sheet may be read outside of a
    transaction (then nothing can be written from it either)"""
    return Transaction().database is not None


def check_not_future(records, names, error_class):
    """Refuse with `error_class` the first record whose field of `names`
    is in the future (see future_error), as validate_fields does"""
    for name in names:
        for record in records:
            value = getattr(record, name)
            message = future_error(
                value, field_label(record.__name__, name))
            if message:
                raise error_class(message)


def field_size(model, name):
    """The size of the field `name` of `model`, None when it has none (or
    the models cannot be read)"""
    if not _pool_ready():
        return None
    return getattr(Pool().get(model)._fields[name], 'size', None)


def size_error(model, name, value):
    """Return the message trytond gives when `value` is longer than the
    size of the field `name` of `model` (ir.msg_size_validation), or None;
    the value is shortened in the message"""
    size = field_size(model, name)
    if not value or size is None or len(value) <= size:
        return None
    names = Pool().get(model).__names__(name)
    shown = value if len(value) <= SHOWN else value[:SHOWN] + '…'
    return gettext('ir.msg_size_validation', value=shown, size=len(value),
        max_size=size, **names)


def check_sizes(Model, values):
    """Refuse `values` of `Model` with a text longer than its field's size
    before they are written (trytond checks after): a column made before
    its field had a size is not bounded by the database, and its index
    refuses a long value with a database error (party_party.name)"""
    for name, value in values.items():
        size = getattr(Model._fields.get(name), 'size', None)
        if (isinstance(size, int) and isinstance(value, str)
                and len(value) > size):
            raise SizeValidationError(
                size_error(Model.__name__, name, value))
