"""URL map: one include per app; every page needs a sign-in (LoginRequiredMiddleware)."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views
from .decorators import post_only
from .health.views import healthz

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),  # no sign-in: for a load balancer or a monitor
    path("favicon.ico", views.favicon, name="favicon"),  # for pages without base.html's link (the admin's)
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    # Signing out is a POST (Django 5); a GET on it goes home instead of a 405 error.
    path("accounts/logout/", post_only("home")(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The sign-in page has the language switch too: it needs no sign-in (django.conf.urls.i18n's route and name).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("org/", include("roles.urls")),
    path("cases/", include("escalation.urls")),
    path("tasks/", include("tasks.urls")),
    path("stock/", include("inventory.urls")),
    path("finance/", include("finance.urls")),
    path("shipping/", include("shipping.urls")),
    path("aftersales/", include("aftersales.urls")),
    path("attendance/", include("attendance.urls")),
    path("analysis/", include("analysis.urls")),
    path("notifications/", include("shopteam.notifications.urls")),
    path("admin/", admin.site.urls),
]
