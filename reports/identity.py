"""Identity numbers as printed on paper: only the last characters show.

A certificate or a roster leaves the site; the full number of a resident
stays in the database.
"""

MASK = '*'
VISIBLE = 4


def mask_identity(number):
    """Return number with every character but the last four replaced by '*'.

    '11010519491231002X' gives '**************002X'. None and '' give ''.
    A number of four characters or fewer is masked whole: showing its last
    four would show all of it.
    """
    if number is None:
        return ''
    number = ''.join(str(number).split())
    if len(number) <= VISIBLE:
        return MASK * len(number)
    return MASK * (len(number) - VISIBLE) + number[-VISIBLE:]
