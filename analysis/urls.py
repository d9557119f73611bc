from django.urls import path

from . import views

app_name = "analysis"
urlpatterns = [
    path("", views.figures, name="figures"),
    path("staffing/", views.staffing, name="staffing"),
]
