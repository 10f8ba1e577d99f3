from django.urls import path

from quizzes import admin_views

app_name = "quizzes_admin"

urlpatterns = [
    path(
        "quiz/<int:quiz_id>/analysis/",
        admin_views.ItemAnalysisView.as_view(),
        name="item_analysis",
    ),
    path(
        "quiz/<int:quiz_id>/analysis/results/",
        admin_views.ItemAnalysisView.as_view(results_only=True),
        name="item_analysis_results",
    ),
    path("questions/import/", admin_views.question_import, name="question_import"),
    path(
        "questions/template.csv",
        admin_views.question_template,
        name="question_template",
    ),
]
