"""Project-wide pages: the home page sends each person to where their day starts."""
from django.shortcuts import redirect

from escalation.selectors import sees_every_case


def home(request):
    if sees_every_case(request.user):
        return redirect("escalation:dashboard")
    return redirect("roles:my_posts")
