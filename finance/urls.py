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
    path("promotions/", views.promotion_list, name="promotion_list"),
    path("promotions/new/", views.promotion_new, name="promotion_new"),
    path("promotions/<int:pk>/", views.promotion_detail, name="promotion_detail"),
    path("promotions/<int:pk>/<slug:action>/", views.promotion_action, name="promotion_action"),
    path("targets/", views.targets, name="targets"),
    path("reports/", views.management_report, name="reports"),
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/<slug:action>/", views.cycle_action, name="cycle_action"),
]
