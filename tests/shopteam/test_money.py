"""Money someone types or uploads: digits, up to two decimal places, thousands commas and full-width digits, and
nothing else (no exponent, NaN, Infinity, underscore, sign or hex), the same in finance and in the stock pages."""
from decimal import Decimal

import pytest

from shopteam import money

ACCEPTED = [
    ("12", "12.00"), ("12.3", "12.30"), (" 12.3 ", "12.30"), ("12.30", "12.30"), ("1,234.56", "1234.56"),
    ("1,234,567", "1234567.00"), ("１２３．４５", "123.45"), ("１，２３４", "1234.00"), ("0.5", "0.50"),
    ("12.340", "12.34"),
]
REFUSED = ["1e5", "1E5", "NaN", "nan", "Infinity", "-Infinity", "inf", "1_000", "+5", "0x10", "12.", ".5", "1,23",
           "12,34.5", "1 000", "12.3.4", "", "abc", "¥12", "١٢٣", "12\x00", "1" * 60]


@pytest.mark.parametrize(("typed", "read"), ACCEPTED)
def test_an_amount_as_people_write_it_is_read_to_the_fen(typed, read):
    assert money.parse(typed) == Decimal(read)


@pytest.mark.parametrize("typed", REFUSED)
def test_anything_else_is_not_money(typed):
    with pytest.raises(money.NotMoney):
        money.parse(typed)


def test_more_than_two_decimals_is_refused_as_such_and_a_minus_is_read_so_it_can_be_refused():
    with pytest.raises(money.NotMoney) as refused:
        money.parse("12.345")
    assert refused.value.decimals
    assert money.parse("-5") == Decimal("-5.00")
    with pytest.raises(TypeError):
        money.parse(12.5)
