"""The arrival list of many valid residents that the long tests
(tests/test_faults.py, tests/test_rpc_load.py) and the benchmarks
(tests/bench/) import, as a community or an airport would send it."""
import datetime as dt
import io

from openpyxl import Workbook
from stdnum.cn import ric

ARRIVAL_HEADER = ["姓名", "身份证号", "联系电话", "人员类别", "末次暴露日期",
    "来源", "家庭/团组"]


def identity(i):
    """A valid resident identity card number, distinct for i < 20,000
    (all adults)"""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=(i * 37) % 20000)
    body = f'110105{birth:%Y%m%d}{i % 1000:03d}'
    return body + ric.calc_check_digit(body + '0')


def arrival_sheet(count, exposure_date):
    """Return (xlsx bytes, identity numbers) of an arrival list of `count`
    valid rows (at most 20,000): close contacts, every fifth a secondary
    contact, every seventh in a group of three"""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(ARRIVAL_HEADER)
    numbers = []
    for i in range(count):
        number = identity(i)
        numbers.append(number)
        sheet.append([f"旅客{i}", number, f"139{i:08d}",
                "密切接触者" if i % 5 else "次密切接触者", exposure_date,
                "航班CA1234", f"团{i // 3}" if i % 7 == 0 else None])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue(), numbers
