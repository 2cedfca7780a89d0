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


def mask_name(name):
    """Return a name as a public page shows it: the first and the last
    characters, the others replaced by '*'.

    '张三' gives '张*', '张小三' gives '张*三', '欧阳小明' gives '欧**明'.
    None and '' give ''.
    """
    name = ' '.join(str(name or '').split())
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]
