from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path(
        "lesson-decisions/<int:lesson_id>/",
        views.decision_submit,
        name="decision_submit",
    ),
]
