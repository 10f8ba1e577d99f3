from django.contrib.auth import views as auth_views
from django.urls import path

from cms.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_overview, name="account"),
    path("login/", views.LearnerLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        views.LearnerPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        views.LearnerPasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
