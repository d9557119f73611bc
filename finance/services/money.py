"""Money as the services take it: text or a Decimal of whole fen, never a float, never rounded silently."""
from decimal import Decimal

from django.utils.translation import gettext as _

from shopteam.errors import ServiceError
from shopteam.money import NotMoney
from shopteam.money import parse as parse_money

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")


def money(value: str | Decimal | int, *, label: str | None = None, allow_zero: bool = False) -> Decimal:
    """`value` as a Decimal of whole cents, or a ServiceError naming `label`: never a float, never rounded
    silently."""
    label = label or _("The amount")
    try:
        amount = parse_money(value)
    except NotMoney as error:
        if error.decimals:
            raise ServiceError(_("%(label)s has more than two decimals (fen).") % {"label": label}) from None
        raise ServiceError(_("%(label)s must be a number of yuan, e.g. 1188.00.") % {"label": label}) from None
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ServiceError(_("%(label)s must be more than zero.") % {"label": label})
    if amount > MAX_AMOUNT:
        raise ServiceError(_("%(label)s is too large.") % {"label": label})
    return amount.quantize(CENT)
