from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/import/", views.product_import, name="product_import"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/moves/", views.move_create, name="move_create"),
    path("moves/<int:pk>/reverse/", views.move_reverse, name="move_reverse"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/file/", views.import_file, name="import_file"),
    path("imports/<int:pk>/<slug:action>/", views.import_action, name="import_action"),
]
urlpatterns += [
    path("stocktakes/", views.stocktake_list, name="stocktake_list"),
    path("stocktakes/<int:pk>/", views.stocktake_detail, name="stocktake_detail"),
    path("stocktakes/<int:pk>/review/", views.stocktake_review, name="stocktake_review"),
    path("stocktakes/<int:pk>/<slug:action>/", views.stocktake_action, name="stocktake_action"),
    path("stocktakes/lines/<int:pk>/count/", views.count_line, name="count_line"),
]
urlpatterns += [
    path("alerts/", views.alert_list, name="alert_list"),
    path("restock/<int:pk>/", views.restock_detail, name="restock_detail"),
    path("restock/<int:pk>/receive/", views.restock_receive, name="restock_receive"),
    path("restock/<int:pk>/edit/", views.restock_edit, name="restock_edit"),
    path("restock/<int:pk>/<slug:action>/", views.restock_action, name="restock_action"),
]
