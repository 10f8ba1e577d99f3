"""我的学习 shows the worker's own measured outcomes and nobody else's."""

import pytest
from django.urls import reverse

from quizzes.services import attempt_answer_save, attempt_start, attempt_submit
from tests.factories import learner
from tests.quizzes.factories import competency, option_ids, question, quiz_with

pytestmark = pytest.mark.django_db


def take(worker, quiz, *, right: bool):
    attempt = attempt_start(user=worker, quiz=quiz)
    for answer in attempt.answers.select_related("question"):
        options = option_ids(answer.question)
        chosen = (
            list(answer.key)
            if right
            else [o for o in options if o not in answer.key][:1]
        )
        attempt_answer_save(
            user=worker,
            attempt_id=attempt.pk,
            position=answer.position,
            option_ids=chosen,
        )
    return attempt_submit(user=worker, attempt_id=attempt.pk)


def test_me_lists_my_quiz_score_and_mastery_only(client):
    skill = competency("法治思维")
    mine = quiz_with(question("调解第一步", competencies=[skill]), title="调解小测")
    theirs = quiz_with(question("众筹第一步"), title="众筹小测")
    worker, other = learner(), learner()
    take(worker, mine, right=True)
    take(other, theirs, right=False)
    client.force_login(worker)

    html = client.get(reverse("progress:me")).content.decode()

    assert "调解小测" in html and "众筹小测" not in html
    assert "已通过" in html
    assert "法治思维" in html and 'value="1.00"' in html


def test_me_marks_the_me_tab_as_the_current_page(client):
    client.force_login(learner())

    html = client.get(reverse("progress:me")).content.decode()

    assert 'aria-current="page">我的</a>' in html
