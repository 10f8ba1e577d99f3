# ruff: noqa: E501 (question text reads better on one line)
"""Demo quizzes: a post-lesson check per demo lesson, the course pre/post tests,
and seeded attempts by the demo workers (fixed random seed, varied ability),
dated inside each worker's demo learning weeks (cms.demo.demo_activity), which
progress.demo then replays the lessons around.

Idempotent: competencies and questions are matched by name and stem, quizzes by
title, a quiz block is added to a lesson only if it has none, and a worker who
already has an attempt at a quiz is left alone.
"""

from __future__ import annotations

import math
import random
import sys
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from quizzes.models import (
    Competency,
    Question,
    QuestionCategory,
    QuestionOption,
    Quiz,
    QuizAttempt,
    QuizItem,
    QuizPool,
)

SEED = 20261202
COMPETENCIES = [
    ("议事协商", "deliberation"),
    ("法治思维", "rule-of-law"),
    ("社区规划", "community-planning"),
    ("资源动员", "resource-mobilisation"),
    ("志愿服务", "volunteering"),
    ("群众工作", "mass-work"),
]
S, M, T, C = "single", "multiple", "true_false", "scenario"

# lesson slug -> questions: (type, competency, difficulty, stem, options, correct
# indexes, explanation, scenario). Written from the seed's cases.
QUESTIONS: dict[str, list[tuple]] = {
    "stairwell-crowdfunding": [
        (S, "资源动员", 2, "楼组众筹改造楼道，第一步最该做什么？",
         ["挨家挨户听取居民想法", "先定好每户出多少钱", "请物业直接施工"], [0],
         "先听意见，居民才愿意出钱出力。", ""),
        (T, "资源动员", 1, "众筹的每一笔收支都应当在楼道公示。", ["正确", "错误"], [0],
         "公开账目是众筹信任的基础。", ""),
        (C, "群众工作", 3, "你会怎么回应？", ["请她一起参与方案讨论", "告诉她少数服从多数",
         "跳过她家继续施工"], [0], "把反对者请进讨论，往往能化解阻力。",
         "三楼的王阿姨说楼道改造跟她没关系，不愿出钱。"),
    ],
    "three-round-deliberation": [
        (S, "议事协商", 2, "三轮议事规则中，第一轮的重点是什么？",
         ["摸清各方诉求", "投票表决", "公布最终方案"], [0],
         "第一轮听诉求，第二轮议方案，第三轮作决定。", ""),
        (M, "议事协商", 3, "以下哪些做法符合议事协商的要求？",
         ["会前公布议题", "只邀请支持者", "会后公示议事结果", "由书记一人拍板"], [0, 2],
         "议题和结果都要公开，参与要广泛。", ""),
        (T, "议事协商", 2, "议事会上意见不一致时，应当当场强行表决。", ["正确", "错误"], [1],
         "分歧大时应进入下一轮协商，而不是强行表决。", ""),
    ],
    "yuanyuan-council": [
        (S, "社区规划", 3, "缘圆议事会把几个小区合在一起议事，主要是为了什么？",
         ["共享资源、共同解决跨小区的问题", "减少开会次数", "方便居委会管理"], [0],
         "小区规模小，合起来才能共享资源、解决共同问题。", ""),
        (T, "群众工作", 2, "睦邻门打通两个小区前，需要征求两边居民的意见。", ["正确", "错误"], [0],
         "涉及两边居民的事，两边都要征求意见。", ""),
        (C, "议事协商", 4, "你的下一步是？", ["组织两个小区代表共同议事", "按人数多的一方决定",
         "暂时搁置不管"], [0], "跨小区的问题要让双方代表坐到一起。",
         "甲小区同意开睦邻门，乙小区担心安全，意见僵持。"),
    ],
    "mingyuan-lift": [
        (S, "法治思维", 3, "明园大楼加装电梯出现纠纷，请法治专员参与的作用是？",
         ["依法说明各方权利义务，促成调解", "替居委会做决定", "起诉反对的居民"], [0],
         "法治专员帮助各方在法律框架内协商。", ""),
        (T, "法治思维", 2, "加装电梯只要多数业主同意，就不需要考虑低层住户的合理诉求。",
         ["正确", "错误"], [1], "依法表决之外，也要回应受影响住户的合理诉求。", ""),
        (M, "法治思维", 4, "调解电梯纠纷时，哪些材料应当提前准备？",
         ["相关法规和政策", "业主表决情况", "居民的个人收入", "施工与费用方案"], [0, 1, 3],
         "调解要有依据；个人收入与此无关，也不应收集。", ""),
    ],
    "mingfeng-parking-compact": [
        (S, "资源动员", 3, "明丰苑停车公约能预收 32 万元，关键在于什么？",
         ["方案由居民共同商定、账目公开", "物业强制收费", "居委会垫付"], [0],
         "居民自己定的规矩，才愿意提前交钱。", ""),
        (T, "议事协商", 2, "停车公约经居民讨论通过后，也要定期评估和调整。", ["正确", "错误"], [0],
         "公约不是一成不变的，要根据执行情况调整。", ""),
        (C, "群众工作", 3, "你会怎么处理？", ["依公约沟通并听取他的困难", "直接锁车",
         "在群里点名批评"], [0], "先依约沟通、了解困难，避免激化矛盾。",
         "有车主不按公约停车，还说“我又没签字”。"),
    ],
    "neighbours-living-room": [
        (S, "社区规划", 2, "睦邻客厅改造前，社区规划师首先会做什么？",
         ["调研居民的使用需求", "挑选装修风格", "确定施工队"], [0],
         "先调研需求，空间才会有人用。", ""),
        (T, "志愿服务", 1, "睦邻客厅的日常运营可以招募居民志愿者参与。", ["正确", "错误"], [0],
         "志愿者参与运营，空间更有活力。", ""),
        (M, "志愿服务", 3, "哪些做法能让志愿者长期留下来？",
         ["按各人所长安排任务", "定期表彰和交流", "只在检查前临时召集", "听取志愿者的建议"],
         [0, 1, 3], "尊重、认可和参与感让志愿服务可持续。", ""),
    ],
}  # fmt: skip

# Course tests: extra questions so each competency pool splits into forms A and B.
COURSE_QUESTIONS = [
    (S, "议事协商", 2, "居民议事会的议题应当从哪里来？", ["居民提出的身边事", "上级临时指派", "社工个人兴趣"], [0], "议题来自居民，参与才有动力。", ""),
    (T, "法治思维", 2, "社区公约的内容不得违反法律法规。", ["正确", "错误"], [0], "公约在法律框架内才有效。", ""),
    (S, "资源动员", 3, "动员辖区单位支持社区项目，最有效的是？", ["找到双方共同的利益", "发通知要求支持", "反复打电话催"], [0], "共同利益是持续合作的基础。", ""),
    (S, "社区规划", 3, "社区规划中“参与式设计”的核心是？", ["居民参与方案设计", "专家独立完成", "领导审定即可"], [0], "参与式设计让居民成为设计者。", ""),
    (T, "群众工作", 1, "入户走访时应先说明来意、尊重居民意愿。", ["正确", "错误"], [0], "尊重是群众工作的起点。", ""),
    (S, "志愿服务", 2, "志愿者团队刚成立时，首先要明确什么？", ["服务内容与分工", "队服颜色", "合影时间"], [0], "分工明确，团队才能运转。", ""),
]  # fmt: skip
POOL_COMPETENCIES = ["议事协商", "法治思维", "资源动员", "社区规划", "群众工作"]


def seed(*, stdout=None) -> None:
    stdout = stdout or sys.stdout
    from lessons.demo_content import COURSE
    from lessons.models import CoursePage, LessonPage

    competencies = {
        name: Competency.objects.get_or_create(
            name=name, defaults={"slug": slug, "sort_order": index}
        )[0]
        for index, (name, slug) in enumerate(COMPETENCIES)
    }
    category = QuestionCategory.objects.get_or_create(name="三微治理")[0]
    quizzes = []
    for slug, rows in QUESTIONS.items():
        lesson = LessonPage.objects.filter(slug=slug).first()
        questions = [_question(row, competencies, category) for row in rows]
        if lesson is None:
            continue
        quiz, created = Quiz.objects.get_or_create(
            title=f"《{lesson.title}》课后小测",
            defaults={
                "kind": Quiz.Kind.LESSON,
                "pass_mark": 70,
                "attempts_allowed": 3,
                "shuffle_options": True,
                "intro": "三道题，检验你对本课案例的理解。",
            },
        )
        if created:
            for index, question in enumerate(questions):
                QuizItem.objects.create(quiz=quiz, question=question, sort_order=index)
            quiz.save_revision()
        _place(lesson, quiz)
        quizzes.append(quiz)
    for row in COURSE_QUESTIONS:
        _question(row, competencies, category)
    course = CoursePage.objects.filter(slug=COURSE["slug"]).first()
    if course is not None:
        for kind, form, title in (
            (Quiz.Kind.PRE_TEST, Quiz.Form.A, "三微治理 课前测"),
            (Quiz.Kind.POST_TEST, Quiz.Form.B, "三微治理 课后测"),
        ):
            quiz, created = Quiz.objects.get_or_create(
                title=title,
                defaults={
                    "kind": kind,
                    "course": course,
                    "form": form,
                    "layout": Quiz.Layout.ALL_ON_PAGE,
                    "pass_mark": 60,
                    "attempts_allowed": 1,
                    "show_answers": Quiz.ShowAnswers.NEVER
                    if kind == Quiz.Kind.PRE_TEST
                    else Quiz.ShowAnswers.AFTER_ATTEMPT,
                },
            )
            if created:
                for index, name in enumerate(POOL_COMPETENCIES):
                    QuizPool.objects.create(
                        quiz=quiz,
                        competency=competencies[name],
                        count=1,
                        sort_order=index,
                    )
                quiz.save_revision()
            quizzes.append(quiz)
    made = _seed_attempts(quizzes)
    stdout.write(f"quizzes: {len(quizzes)} quizzes, {made} seeded attempts\n")


def _question(row, competencies, category) -> Question:
    kind, competency, difficulty, stem, options, correct, explanation, scenario = row
    question = Question.objects.filter(stem=stem).first()
    if question is not None:
        return question
    question = Question(
        type=kind,
        stem=stem,
        scenario=scenario,
        explanation=explanation,
        difficulty=difficulty,
        category=category,
    )
    question.options = [
        QuestionOption(
            text=text,
            is_correct=index in correct,
            feedback="" if index in correct else "再想想案例里居民的反应。",
            sort_order=index,
        )
        for index, text in enumerate(options)
    ]
    question.competencies.set([competencies[competency]])
    question.save()
    question.save_revision()
    return question


def _place(lesson, quiz) -> None:
    """Append a quiz block to the lesson's script unless it has one."""
    if any(block.block_type == "quiz" for block in lesson.script):
        return
    lesson.script.append(("quiz", {"quiz": quiz, "heading": "课后小测"}))
    lesson.save_revision().publish()


def _seed_attempts(quizzes) -> int:
    """Demo workers take the quizzes: ability ~ N(0, 1) with a fixed seed.

    P(right) = logistic(ability − (difficulty − 3)); the post-test adds a
    learning effect so pre-to-post gain shows.
    """
    from cms.demo import demo_activity, demo_moment
    from quizzes.services import attempt_answer_save, attempt_start, attempt_submit

    now = timezone.now()
    workers = list(
        get_user_model()
        .objects.filter(username__startswith="worker")
        .order_by("username")
    )
    made = 0
    for worker in workers:
        # A generator per worker and quiz: what one draws never depends on which
        # attempts an earlier run already made, so a re-run adds none.
        ability = random.Random(f"{SEED}:{worker.username}").gauss(0, 1)
        # Attempts fall inside the worker's demo learning weeks (cms.demo), the
        # pre-test on the first day and the post-test on the last: submitted
        # today for everyone, they would make every worker look active.
        window = demo_activity(worker.username)
        for quiz in quizzes:
            rng = random.Random(f"{SEED}:{worker.username}:{quiz.title}")
            clock = random.Random(f"{SEED}:{worker.username}:{quiz.title}:clock")
            takes = rng.random() < 0.8
            if window is None:
                continue
            if not takes or QuizAttempt.objects.filter(quiz=quiz, user=worker).exists():
                continue
            first, last = window
            if quiz.kind == Quiz.Kind.PRE_TEST:
                days_ago = first
            elif quiz.kind == Quiz.Kind.POST_TEST:
                days_ago = last
            else:
                days_ago = clock.randint(last, first)
            moment = demo_moment(days_ago=days_ago, rng=clock, now=now)
            boost = 1.0 if quiz.kind == Quiz.Kind.POST_TEST else 0.0
            tries = 1 if quiz.kind != Quiz.Kind.LESSON else rng.choice([1, 1, 2])
            for attempt_index in range(tries):
                attempt = attempt_start(user=worker, quiz=quiz, now=moment)
                for answer in attempt.answers.select_related("question"):
                    p = 1 / (
                        1
                        + math.exp(
                            -(ability + boost + 0.5 * attempt_index
                              - (answer.question.difficulty - 3))
                        )
                    )  # fmt: skip
                    if rng.random() < p:
                        chosen = list(answer.key)
                    else:
                        wrong = [o for o in answer.option_order if o not in answer.key]
                        chosen = [rng.choice(wrong)] if wrong else []
                    moment += timedelta(seconds=clock.randint(15, 60))
                    attempt_answer_save(
                        user=worker,
                        attempt_id=attempt.pk,
                        position=answer.position,
                        option_ids=chosen,
                        now=moment,
                    )
                moment += timedelta(seconds=clock.randint(5, 30))
                graded = attempt_submit(user=worker, attempt_id=attempt.pk, now=moment)
                moment += timedelta(minutes=clock.randint(2, 10))
                made += 1
                if graded.passed:
                    break
    return made
