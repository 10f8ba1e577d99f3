from django.urls import path

from dashboards import trainer_views, views

app_name = "dashboards"
urlpatterns = [
    path("", views.UnitOverviewView.as_view(), name="home"),
    path("unit/<int:unit_id>/", views.UnitOverviewView.as_view(), name="unit"),
    path("worker/<int:worker_id>/", views.WorkerView.as_view(), name="worker"),
    path("unit/<int:unit_id>/urge/", views.UrgeView.as_view(), name="urge"),
    path(
        "lessons/",
        trainer_views.TrainerLessonsView.as_view(),
        name="trainer_lessons",
    ),
    path(
        "lessons/<int:lesson_id>/",
        trainer_views.TrainerLessonView.as_view(),
        name="trainer_lesson",
    ),
]
