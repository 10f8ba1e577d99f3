from dataclasses import dataclass

from django import template

from quizzes.models import QuizAttempt, QuizOutcome

register = template.Library()


@dataclass(frozen=True)
class QuizCard:
    question_count: int
    outcome: QuizOutcome | None
    open_attempt: bool


@register.simple_tag(takes_context=True)
def quiz_card(context, quiz):
    """The viewer's standing on a quiz placed in a story (no answer key, no items)."""
    if quiz is None:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    outcome = None
    open_attempt = False
    if user is not None and user.is_authenticated:
        outcome = QuizOutcome.objects.filter(quiz=quiz, user=user).first()
        open_attempt = QuizAttempt.objects.filter(
            quiz=quiz, user=user, status=QuizAttempt.Status.IN_PROGRESS
        ).exists()
    count = quiz.items.count() + sum(pool.count for pool in quiz.pools.all())
    return QuizCard(question_count=count, outcome=outcome, open_attempt=open_attempt)
