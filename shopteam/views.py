"""Project-wide pages: the home page sends each person to where their day starts."""
from django.shortcuts import redirect


def home(request):
    return redirect("roles:my_posts")
