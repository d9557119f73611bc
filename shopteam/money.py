"""The one reading of an amount of money someone typed or uploaded (finance and inventory use it): digits, an
optional decimal part of one or two places, thousands commas (1,234.56) and full-width digits (１２３．４５),
and nothing else — no exponents (1e5), no NaN or Infinity, no underscores, no plus sign, no hex. A leading minus
is read so that the caller can say the amount cannot be negative. Never a float, never rounded."""
import re
from decimal import Decimal

from django import forms

CENT = Decimal("0.01")
FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
SHAPE = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")


class NotMoney(ValueError):
    """`value` is not an amount of money; `decimals` when it is one but with more than two decimal places."""

    def __init__(self, value, *, decimals=False):
        super().__init__(f"not an amount of money: {value!r}")
        self.value, self.decimals = value, decimals


def parse(value):
    """`value` (text, a Decimal or an int) as a Decimal of whole cents, or NotMoney."""
    if isinstance(value, bool | float):
        raise TypeError("money is never a float: pass a Decimal or a string")
    if isinstance(value, int):
        return Decimal(value).quantize(CENT)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotMoney(value)
        if value != value.quantize(CENT):
            raise NotMoney(value, decimals=True)
        return value.quantize(CENT)
    text = str(value).strip().translate(FULL_WIDTH)
    found = SHAPE.fullmatch(text) if len(text) <= 40 else None
    if found is None:
        raise NotMoney(value)
    if found.group(1) is not None and len(found.group(1).rstrip("0")) > 2:
        raise NotMoney(value, decimals=True)
    return Decimal(text.replace(",", "")).quantize(CENT)


class MoneyField(forms.CharField):
    """Amounts travel as text to the service, which reads them with `parse` (never a float)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"})
