"""Whom the finance services tell, and what each notification says."""
from collections.abc import Iterable
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from shopteam.notifications.services import notify

from .. import rules

MESSAGES = {
    "promotion.requested": (
        gettext_lazy("Promotion request #%(id)s: %(channel)s %(amount)s"),
        gettext_lazy("%(name)s asks to spend %(amount)s on %(channel)s from %(start)s to %(end)s.\n%(purpose)s"),
    ),
    "promotion.decided": (
        gettext_lazy("Promotion request #%(id)s %(status)s: %(channel)s %(amount)s"),
        gettext_lazy("%(name)s: %(reason)s"),
    ),
    "promotion.case_decided": (
        gettext_lazy("Promotion request #%(id)s was decided on its case: approve or refuse it"),
        gettext_lazy("%(name)s resolved the 财务支出 case: %(resolution)s\nRecord the decision on the request."),
    ),
    "report.monthly": (
        gettext_lazy("Management report %(period)s is ready"),
        gettext_lazy("Net sales %(net_sales)s (target %(target)s), income %(income)s, expense %(expense)s. The "
                     "Excel file comes in a separate e-mail; the page shows the latest figures."),
    ),
    "cycle.reminder": (
        gettext_lazy("Supplier cycle %(cycle)s: %(step)s by the 15th"),
        gettext_lazy("Still open: %(step)s for %(cycle)s. The window closes at the end of %(last)s; after that the "
                     "shop manager is told."),
    ),
    "taobao.refused": (
        gettext_lazy("Taobao money not written to the ledger"),
        gettext_lazy("The import of %(days)s was refused by the books: %(error)s"),
    ),
    "promotion.asked_over_budget": (
        gettext_lazy("Promotion request #%(id)s asks more than is left of the %(month)s budget"),
        gettext_lazy("%(name)s asks %(amount)s for %(channel)s; %(left)s is left of the promotion budget of "
                     "%(month)s. Approve less, refuse it, or go over the budget with a reason."),
    ),
    "promotion.over_budget": (
        gettext_lazy("Promotion request #%(id)s approved over the %(month)s budget: %(left)s left"),
        gettext_lazy("%(name)s approved %(approved)s for %(channel)s (asked %(amount)s), which takes the promotion "
                     "budget of %(month)s to %(left)s.\nWhy: %(reason)s"),
    ),
    "promotion.paid": (
        gettext_lazy("Promotion request #%(id)s was paid: %(channel)s %(amount)s"),
        gettext_lazy("%(name)s paid it on %(date)s."),
    ),
}


class Linked(Protocol):
    def get_absolute_url(self) -> str: ...


def tell(users: Iterable[User], event: str, subject: Linked | None, **params: Any) -> None:
    title, body = MESSAGES[event]
    notify(users, title=title, body=body, params=params, url=subject.get_absolute_url() if subject else "",
           event=event)


def finance_people() -> list[User]:
    """Who holds a finance post today (the people who decide promotion spend and keep the books)."""
    return roles_selectors.members(rules.FINANCE)


def managers() -> list[User]:
    post = roles_selectors.manager_post()
    return roles_selectors.holders(post) if post else []

