"""A stand-in for the quizzes app's "has this worker passed the lesson quiz"."""

PASSED: set[tuple[int, int]] = set()


def result(*, user, lesson) -> bool:
    return (user.pk, lesson.pk) in PASSED
