from django.urls import path

from cms.views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]
