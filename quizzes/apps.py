from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("测验")

    def ready(self):
        from lessons.models import DecisionChoice, LessonPage

        post_save.connect(
            _lesson_saved, sender=LessonPage, dispatch_uid="quizzes_lesson_saved"
        )
        post_save.connect(
            _decision_saved, sender=DecisionChoice, dispatch_uid="quizzes_decision"
        )


def _lesson_saved(sender, instance, **kwargs):
    from quizzes.placements import quiz_placements_sync

    # Re-read from the database: a draft revision saves the page row without the
    # draft's script, and only the stored (live) script counts.
    quiz_placements_sync(lesson_id=instance.pk)


def _decision_saved(sender, instance, created, **kwargs):
    from quizzes.placements import decision_choice_noticed

    if created:
        decision_choice_noticed(choice=instance)
