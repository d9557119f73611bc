from django.urls import path

from . import views

app_name = "attendance"
urlpatterns = [
    path("", views.my_month, name="mine"),
    path("people/<int:pk>/", views.person_month, name="person"),
    path("sheet/", views.sheet, name="sheet"),
    path("record/", views.record_new, name="record_new"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/correct/", views.record_correct, name="record_correct"),
    path("records/<int:pk>/void/", views.record_void, name="record_void"),
]
