"""A seller-centre cell that is not an amount is refused with the cell's own words, never an unexpected error."""
from decimal import Decimal

import pytest

from inventory import taobao


@pytest.mark.parametrize("cell", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "abc"])
def test_a_cell_that_is_no_amount_is_refused_by_name(cell):
    with pytest.raises(ValueError, match=f"“{cell}” is not an amount"):
        taobao.parse_amount(cell, "价格")


@pytest.mark.parametrize(("cell", "amount"), [("1,280.00元", Decimal("1280.00")), ("￥5", Decimal("5.00")),
                                             ("无退款申请", None), ("-", None)])
def test_the_cells_exports_hold_are_read(cell, amount):
    assert taobao.parse_amount(cell, "价格") == amount
