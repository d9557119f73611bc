"""Who reads the shop's figures and the staffing advice: the data-analysis leader and the shop manager, who work
with them, and finance, who gives the figures assessments need (read only)."""
from django.contrib.auth.models import AnonymousUser, User

from roles.selectors import holds_in, is_shop_manager

DATA_ANALYSIS, FINANCE = "data-analysis", "finance"  # roles.playbook's department codes

Person = User | AnonymousUser


def sees_figures(user: Person) -> bool:
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    return is_shop_manager(user) or holds_in(user, DATA_ANALYSIS, leader=True) or holds_in(user, FINANCE)
