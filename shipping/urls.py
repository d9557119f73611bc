from django.urls import path

from . import views

app_name = "shipping"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("pick-list/", views.pick_list, name="pick_list"),
    path("pick-list/picked/", views.record_picked, name="record_picked"),
    path("orders/<str:order_id>/", views.order_page, name="order"),
    path("orders/<str:order_id>/ship/", views.ship, name="ship"),
    path("orders/<str:order_id>/problem/", views.packing_problem, name="packing_problem"),
    path("orders/<str:order_id>/problem-parcel/", views.new_problem_parcel, name="new_problem_parcel"),
    path("orders/<str:order_id>/correct/", views.correct_shipment, name="correct_shipment"),
    path("packing-problems/<int:pk>/correct/", views.correct_packing_problem, name="correct_packing_problem"),
    path("problem-parcels/", views.problem_parcel_list, name="problem_parcels"),
    path("problem-parcels/<int:pk>/", views.problem_parcel_page, name="problem_parcel"),
    path("problem-parcels/<int:pk>/<str:action>/", views.problem_parcel_action, name="problem_parcel_action"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:pk>/", views.incident_page, name="incident"),
    path("incidents/stocktakes/<int:pk>/<str:action>/", views.stocktake_loss_action, name="stocktake_loss_action"),
]
