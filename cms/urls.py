from django.contrib.auth import views as auth_views
from django.urls import include, path

from cms.views import accounts, health

account_patterns = [
    path("", accounts.account_overview, name="account"),
    path("login/", accounts.LearnerLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        accounts.LearnerPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        accounts.LearnerPasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include((account_patterns, "accounts"))),
    path("i18n/", include("django.conf.urls.i18n")),
]
