"""What every page's layout needs: the navigation for the signed-in person."""
from django.conf import settings


def shell(request):
    return {"DEMO_MODE": settings.DEMO_MODE}
