"""Identity numbers masked for paper."""
import pytest

from reports.identity import mask_identity, mask_name


@pytest.mark.parametrize('number, masked', [
        ('11010519491231002X', '**************002X'),
        ('E12345678', '*****5678'),
        ('12345', '*2345'),
        (None, ''),
        ('', ''),
        ])
def test_only_the_last_four_characters_show(number, masked):
    assert mask_identity(number) == masked


def test_short_number_is_masked_whole():
    "Four characters or fewer: the last four would be the whole number"
    assert mask_identity('1234') == '****'
    assert mask_identity('X') == '*'


def test_spaces_are_dropped_and_numbers_accepted():
    assert mask_identity(' 110105 19491231 002X ') == '**************002X'
    assert mask_identity(4101051985) == '******1985'


@pytest.mark.parametrize('name, masked', [
        ('张三', '张*'),
        ('张小三', '张*三'),
        ('欧阳小明', '欧**明'),
        ('王', '王'),
        (' 李  四 ', '李*四'),
        (None, ''),
        ('', ''),
        ])
def test_name_shows_its_first_and_last_characters(name, masked):
    assert mask_name(name) == masked
