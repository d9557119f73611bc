from django.urls import path

from . import views

app_name = "escalation"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.raise_case, name="raise_case"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
