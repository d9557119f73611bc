"""What every page's layout needs: the navigation for the signed-in person."""
from django.conf import settings


def shell(request):
    context = {"DEMO_MODE": settings.DEMO_MODE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from escalation.selectors import count_waiting_for, sees_every_case

        context["sees_dashboard"] = sees_every_case(user)
        context["cases_waiting_for_me"] = count_waiting_for(user)
    return context
