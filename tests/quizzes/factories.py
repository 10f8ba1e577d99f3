"""Factories for the question bank and quizzes.

q = question("谁来召集议事会？", ["居委会", "物业"], correct=[0])
quiz = quiz_with(q, pass_mark=60)
"""

from __future__ import annotations

import itertools

from quizzes.models import (
    Competency,
    Question,
    QuestionOption,
    Quiz,
    QuizItem,
    QuizPool,
)

_counter = itertools.count(1)


def competency(name: str | None = None) -> Competency:
    n = next(_counter)
    name = name or f"能力{n}"
    return Competency.objects.get_or_create(
        name=name, defaults={"slug": f"competency-{n}"}
    )[0]


def question(
    stem: str = "三轮议事规则的第一轮做什么？",
    options: list[str] | None = None,
    *,
    correct: list[int] | None = None,
    type: str = Question.Type.SINGLE,
    explanation: str = "第一轮先听取各方意见。",
    feedback: list[str] | None = None,
    competencies: list[Competency] = (),
    scenario: str = "",
) -> Question:
    options = options or ["听取意见", "直接投票", "请物业决定"]
    correct = correct if correct is not None else [0]
    feedback = feedback or [f"反馈{index}" for index in range(len(options))]
    q = Question.objects.create(
        stem=stem, type=type, explanation=explanation, scenario=scenario
    )
    for index, text in enumerate(options):
        QuestionOption.objects.create(
            question=q,
            text=text,
            is_correct=index in correct,
            feedback=feedback[index],
            sort_order=index,
        )
    if competencies:
        # A ParentalManyToManyField is written when the cluster saves.
        q.competencies.set(competencies)
        q.save()
    return q


def quiz_with(*questions: Question, **fields) -> Quiz:
    fields.setdefault("title", f"测验{next(_counter)}")
    quiz = Quiz.objects.create(**fields)
    for index, q in enumerate(questions):
        QuizItem.objects.create(quiz=quiz, question=q, sort_order=index)
    return quiz


def pool(quiz: Quiz, comp: Competency, count: int) -> QuizPool:
    return QuizPool.objects.create(quiz=quiz, competency=comp, count=count)


def option_ids(q: Question) -> list[int]:
    return list(q.options.order_by("sort_order").values_list("pk", flat=True))
