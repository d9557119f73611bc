from django.urls import path

from . import views

app_name = "roles"
urlpatterns = [
    path("", views.org_chart, name="org_chart"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("mine/", views.my_posts, name="my_posts"),
]
