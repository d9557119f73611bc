from django.urls import path

from . import views

app_name = "aftersales"
urlpatterns = [
    path("", views.overview, name="desk"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/act/", views.complaint_act, name="complaint_act"),
    path("complaints/<int:pk>/escalate/", views.complaint_escalate, name="complaint_escalate"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/contact/", views.review_contact, name="review_contact"),
    path("reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_record, name="follow_up_record"),
    path("returns/", views.return_list, name="returns"),
    path("returns/new/", views.return_create, name="return_create"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/check/", views.return_check, name="return_check"),
    path("buyer/", views.buyer, name="buyer"),
    path("correct/<str:kind>/<int:pk>/", views.correct, name="correct"),
]
