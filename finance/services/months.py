"""A month's books (closed: nothing is dated in it) and its sales target."""
import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roles import selectors as roles_selectors
from shopteam.errors import ServiceError

from .. import rules
from ..models import ClosedMonth, MonthlyTarget, first_of_month
from .money import money
from .texts import clean_text, history_by


def lock_month(day: datetime.date) -> ClosedMonth:
    """The month's books row, locked until the transaction ends: closing a month and dating an entry in it
    cannot pass each other."""
    month, _made = ClosedMonth.objects.select_for_update().get_or_create(month=first_of_month(day))
    return month


def open_month_for(day: datetime.date) -> ClosedMonth:
    """Lock `day`'s month and refuse if its books are closed."""
    month = lock_month(day)
    if month.closed:
        raise ServiceError(
            _("The books of %(month)s are closed: nothing can be dated in that month. Date it in an open month, "
              "or ask the finance leader or the shop manager to reopen it.") % {"month": month}
        )
    return month


@transaction.atomic
def close_month(month: datetime.date, *, by: User, note: str = "") -> ClosedMonth:
    """Close a month's books (a month that has ended). Returns the ClosedMonth row."""
    if not rules.closes_months(by):
        raise ServiceError(_("Only the finance leader or the shop manager can close a month."))
    month = first_of_month(month)
    if month >= first_of_month(timezone.localdate()):
        raise ServiceError(_("%(month)s has not ended yet: only a past month can be closed.")
                           % {"month": month.strftime("%Y-%m")})
    row = lock_month(month)
    if row.closed:
        raise ServiceError(_("The books of %(month)s are already closed.") % {"month": row})
    row.closed = True
    row.changed_by = by
    row.changed_at = timezone.now()
    row.note = clean_text(note, label=_("Note"))
    history_by(row, by, "closed")
    row.save()
    return row


@transaction.atomic
def reopen_month(month: datetime.date, *, by: User, reason: str) -> ClosedMonth:
    if not rules.closes_months(by):
        raise ServiceError(_("Only the finance leader or the shop manager can reopen a month."))
    reason = clean_text(reason, label=_("Reason"))
    if not reason:
        raise ServiceError(_("Say why the month is reopened."))
    row = lock_month(first_of_month(month))
    if not row.closed:
        raise ServiceError(_("The books of %(month)s are not closed.") % {"month": row})
    row.closed = False
    row.changed_by = by
    row.changed_at = timezone.now()
    row.note = reason
    history_by(row, by, "reopened")
    row.save()
    return row


@transaction.atomic
def set_monthly_target(*, by: User, month: datetime.date, amount: str | Decimal) -> MonthlyTarget:
    """The shop manager sets (or changes) a month's sales target."""
    if not roles_selectors.is_shop_manager(by):
        raise ServiceError(_("Only the shop manager sets the sales targets."))
    amount = money(amount, label=_("The target"), allow_zero=True)
    month = first_of_month(month)
    target = MonthlyTarget.objects.select_for_update().filter(month=month).first() or MonthlyTarget(month=month)
    target.sales_target = amount
    target.set_by = by
    history_by(target, by, "set")
    target.save()
    return target

