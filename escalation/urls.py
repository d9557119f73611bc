from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "escalation"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.raise_case, name="raise_case"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    # The dashboard is the site's page now, made of every app's panels; old bookmarks still find it.
    path("dashboard/", RedirectView.as_view(pattern_name="dashboard"), name="dashboard"),
]
