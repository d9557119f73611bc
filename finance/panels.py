"""What finance shows in the navigation and on the shop manager's dashboard, from its own selectors."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import rules, selectors


def _cycle_and_money(request, now):
    from django.utils import timezone

    today = timezone.localdate(now)
    overview = selectors.cycles_overview(today)
    month_start, month_end = selectors.month_bounds(today)
    totals = selectors.ledger_totals(selectors.ledger({"since": month_start, "until": today}))
    return {"overview": overview, "totals": totals, "today": today, "month_start": month_start,
            "warn": overview["warning"] is not None and today <= overview["window"][1],
            "budget": selectors.promotion_budget(today),  # what is left of this month's promotion budget
            "taobao_waiting": selectors.taobao_money_waiting()}


def _marketing_only(user):
    return not rules.keeps_the_books(user) and rules.is_marketing(user)


def _product_leader_only(user):
    return not rules.keeps_the_books(user) and rules.is_product_leader(user)


def register():
    dashboard.register_panel(
        "supplier_cycle", title=_("Supplier cycle and this month's money"), template="finance/_panel.html",
        context=_cycle_and_money, order=30,
    )
    # A plain link (no count): finance and the shop manager keep the books here.
    dashboard.register_badge("finance", label=_("Finance"), url_name="finance:home", order=40,
                             visible=rules.keeps_the_books)
    # Marketing's way in: its own promotion requests and this month's budget.
    # The product leader's way to the supplier's monthly report.
    dashboard.register_badge("supplier_cycle", label=_("Supplier cycle"), url_name="finance:cycle_list", order=42,
                             visible=_product_leader_only)
    dashboard.register_badge("promotions", label=_("Promotion requests"), url_name="finance:promotion_list",
                             order=41, visible=_marketing_only)
