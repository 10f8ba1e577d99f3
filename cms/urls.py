from django.urls import include, path

from cms import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("cms.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
