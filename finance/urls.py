from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("", views.home, name="home"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/new/", views.entry_new, name="entry_new"),
    path("ledger/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("ledger/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("months/", views.months, name="months"),
    path("months/<str:month>/<slug:action>/", views.month_action, name="month_action"),
]
