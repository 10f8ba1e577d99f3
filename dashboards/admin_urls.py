from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.UnitOverviewView.as_view(), name="home"),
    path("unit/<int:unit_id>/", views.UnitOverviewView.as_view(), name="unit"),
    path("worker/<int:worker_id>/", views.WorkerView.as_view(), name="worker"),
    path("unit/<int:unit_id>/urge/", views.UrgeView.as_view(), name="urge"),
]
