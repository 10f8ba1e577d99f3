"""Lessons' admin URLs (under /admin/lesson-previews/), returned from the
register_admin_urls hook in wagtail_hooks.py: supervisors' read-only lessons."""

from django.urls import path

from lessons import admin_views

app_name = "lesson_previews"

urlpatterns = [
    path("", admin_views.OverseenLessonsView.as_view(), name="index"),
    path("<int:lesson_id>/", admin_views.LessonReadOnlyView.as_view(), name="lesson"),
    path("<int:lesson_id>/frame/", admin_views.lesson_frame, name="frame"),
]
