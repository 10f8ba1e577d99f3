from django.urls import path

from progress import views

app_name = "progress"

urlpatterns = [
    path("me/learning/", views.me, name="me"),
    path(
        "me/notifications/<int:notification_id>/clear/",
        views.clear,
        name="notification_clear",
    ),
    path("me/notifications/clear/", views.clear_all, name="notifications_clear_all"),
    path("me/weekly-goal/", views.weekly_goal, name="weekly_goal"),
    path("lesson-practice/<int:lesson_id>/", views.practice_done, name="practice_done"),
]
