"""The nightly drift check: the ledger re-added and compared with every product's cached stock."""
import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from shopteam.notifications.services import notify

from .. import selectors
from ..models import DriftCheck, Product

DRIFT_TITLE = gettext_lazy("Stock drift: %(count)s product(s) disagree with the ledger")
DRIFT_BODY = gettext_lazy("The cached stock of these products differs from the sum of their moves:\n%(lines)s\n"
                          "Nothing was changed; find the cause before correcting anything.")


def drift_watchers() -> list[User]:
    """Who hears about drift: the admins and whoever holds the product group's leader post."""
    people = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    return people + roles_selectors.leaders(selectors.PRODUCT_DEPARTMENT)


def check_drift(*, now: datetime.datetime | None = None) -> DriftCheck:
    """Re-add the ledger of every product and record the result, once per day (a second run that day returns
    the first check). Drift is reported to the admins and the product leader; nothing is corrected."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    existing = DriftCheck.objects.filter(day=day).first()
    if existing:
        return existing
    with transaction.atomic():
        drift = selectors.stock_drift()
        check, created = DriftCheck.objects.get_or_create(
            day=day, defaults={"checked_at": now, "drift": drift, "products_checked": Product.objects.count()}
        )
        if created and drift:
            lines = "\n".join(f"{d['sku']}: {d['on_hand']} ≠ {d['ledger']}" for d in drift[:50])
            notify(drift_watchers(), title=DRIFT_TITLE, body=DRIFT_BODY, params={"count": len(drift), "lines": lines},
                   url="/stock/", event="stock.drift")
    return check
