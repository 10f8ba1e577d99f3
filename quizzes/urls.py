from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("quiz/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("quiz/<int:quiz_id>/start/", views.quiz_start, name="start"),
    path("quiz/attempt/<int:attempt_id>/", views.attempt_take, name="attempt"),
    path(
        "quiz/attempt/<int:attempt_id>/answer/",
        views.attempt_answer,
        name="answer",
    ),
    path(
        "quiz/attempt/<int:attempt_id>/submit/",
        views.attempt_submit_view,
        name="submit",
    ),
    path(
        "quiz/attempt/<int:attempt_id>/result/",
        views.attempt_result,
        name="result",
    ),
    path("review/", views.review_today, name="review"),
    path("review/<int:card_id>/", views.review_submit, name="review_submit"),
]
