"""Project-wide pages: the home page sends each person to where their day starts; the shop manager's
dashboard shows every app's panels (shopteam.dashboard)."""
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from roles.selectors import is_shop_manager

from . import dashboard as panels


def home(request):
    if is_shop_manager(request.user):
        return redirect("dashboard")
    return redirect(panels.home_url_name(request.user))


def dashboard(request):
    if not is_shop_manager(request.user):
        raise PermissionDenied
    now = timezone.now()
    return render(request, "shopteam/dashboard.html", {"now": now, "panels": panels.rendered_panels(request, now)})


@login_not_required
def favicon(request):
    """The shop's icon, served by the app itself (base.html links it; browsers ask /favicon.ico elsewhere)."""
    return redirect(static("shopteam/favicon.svg"), permanent=True)
