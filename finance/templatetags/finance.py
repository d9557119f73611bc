"""Money on finance pages: Decimal yuan with thousands separators, never through a float."""
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def cny(value):
    """1234.5 -> "1,234.50"; empty for None."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def signed_cny(value):
    if value is None or value == "":
        return ""
    value = Decimal(value)
    return f"+{value:,.2f}" if value > 0 else f"{value:,.2f}".replace("-", "−")


@register.filter
def percent(value):
    """A Decimal ratio (0.253) as "25.3%"; "—" when there is none."""
    if value is None:
        return "—"
    return f"{Decimal(value) * 100:.1f}%"


def _reasons():
    from django.utils.translation import gettext_lazy as _

    return {
        "built": _("report built"), "rebuilt": _("report built again"), "sent": _("marked sent"),
        "settled": _("settlement recorded"), "invoiced": _("invoice recorded"), "requested": _("asked"),
        "escalated": _("up the 财务支出 chain"), "approved": _("approved"), "refused": _("refused"),
        "paid": _("paid"), "approved over budget": _("approved over the budget"),
        "case resolved": _("its case was resolved"), "closed": _("books closed"),
        "reopened": _("books reopened"), "set": _("set"),
    }


@register.filter
def change_reason(code):
    """The history's change reason (a code the services write) in the reader's language."""
    return _reasons().get(code, code) if code else "—"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


# The finance section's tabs: (url name, label, rule), each shown to whom its rule allows.
def _tabs():
    from django.utils.translation import gettext_lazy as _

    from finance import rules

    return [
        ("finance:ledger", _("Ledger"), rules.keeps_the_books),
        ("finance:months", _("Month closing"), rules.keeps_the_books),
        ("finance:reports", _("Management reports"), rules.keeps_the_books),
        ("finance:cycle_list", _("Supplier cycle"), rules.sees_supplier_cycles),
        ("finance:promotion_list", _("Promotion requests"), rules.sees_promotions),
        ("finance:targets", _("Sales targets"), rules.keeps_the_books),
    ]


@register.inclusion_tag("finance/_tabs.html", takes_context=True)
def finance_tabs(context, active):
    user = context["request"].user
    return {"tabs": [(name, label) for name, label, rule in _tabs() if rule(user)], "active": active}
