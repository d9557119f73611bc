"""What every page's layout needs: the navigation for the signed-in person, its badges from every app."""
from django.conf import settings

from roles.selectors import is_shop_manager

from . import dashboard


def shell(request):
    context = {"DEMO_MODE": settings.DEMO_MODE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["sees_dashboard"] = is_shop_manager(user)
        context["nav_badges"] = dashboard.badges_for(user)
    return context
