"""Question bank, quizzes, attempts and the outcomes kept per worker.

Questions and quizzes are Wagtail snippets with revisions. An attempt fixes its
questions, their option order and the answer key when it starts (the key stays
on the server), so later edits of a question never regrade old attempts.
Statuses change only in quizzes.services.attempts.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index


class Competency(models.Model):
    """A skill the district trains (议事协商, 法治思维, …); questions and decisions
    are tagged with it."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    slug = models.SlugField(_("标识"), max_length=40, unique=True, allow_unicode=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("能力")
        verbose_name_plural = _("能力")

    def __str__(self) -> str:
        return self.name


class QuestionCategory(models.Model):
    """A trainer's folder of questions (a bank), e.g. one per course."""

    name = models.CharField(_("名称"), max_length=80, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("题库分类")
        verbose_name_plural = _("题库分类")

    def __str__(self) -> str:
        return self.name


class Question(RevisionMixin, index.Indexed, ClusterableModel):
    class Type(models.TextChoices):
        SINGLE = "single", _("单选题")
        MULTIPLE = "multiple", _("多选题")
        TRUE_FALSE = "true_false", _("判断题")
        SCENARIO = "scenario", _("情境题")

    class Difficulty(models.IntegerChoices):
        VERY_EASY = 1, _("很容易")
        EASY = 2, _("容易")
        MEDIUM = 3, _("中等")
        HARD = 4, _("难")
        VERY_HARD = 5, _("很难")

    type = models.CharField(
        _("题型"), max_length=16, choices=Type.choices, default=Type.SINGLE
    )
    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("题库分类"),
    )
    scenario = models.TextField(
        _("案例"), blank=True, help_text=_("情境题先展示的案例文字。")
    )
    stem = models.TextField(_("题干"))
    explanation = models.TextField(_("解析"), blank=True)
    competencies = ParentalManyToManyField(
        Competency, blank=True, related_name="questions", verbose_name=_("能力标签")
    )
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="question")

    panels = [
        FieldRowPanel([FieldPanel("type"), FieldPanel("difficulty")]),
        FieldPanel("category"),
        FieldPanel("scenario"),
        FieldPanel("stem"),
        InlinePanel("options", label=_("选项"), min_num=2, max_num=6),
        FieldPanel("explanation"),
        FieldPanel("competencies"),
    ]
    search_fields = [index.SearchField("stem"), index.SearchField("scenario")]

    class Meta:
        ordering = ["pk"]
        verbose_name = _("题目")
        verbose_name_plural = _("题目")

    @property
    def revisions(self):
        return self._revisions

    def __str__(self) -> str:
        text = self.stem.strip().replace("\n", " ")
        return text if len(text) <= 40 else text[:39] + "…"


class QuestionOption(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("选项内容"), max_length=300)
    is_correct = models.BooleanField(_("正确答案"), default=False)
    feedback = models.TextField(_("选项反馈"), blank=True)

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("feedback")]

    class Meta(Orderable.Meta):
        verbose_name = _("选项")
        verbose_name_plural = _("选项")

    def __str__(self) -> str:
        return self.text


class Quiz(RevisionMixin, ClusterableModel):
    """A lesson check placed in a story, or a course pre-test or post-test."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("课后小测")
        PRE_TEST = "pre_test", _("课前测")
        POST_TEST = "post_test", _("课后测")

    class Layout(models.TextChoices):
        ONE_PER_SCREEN = "one_per_screen", _("每屏一题")
        ALL_ON_PAGE = "all_on_page", _("全部题目在一页")

    class ShowAnswers(models.TextChoices):
        AFTER_ATTEMPT = "after_attempt", _("每次提交后")
        AFTER_PASSING = "after_passing", _("通过后")
        NEVER = "never", _("从不")

    class Form(models.TextChoices):
        ALL = "all", _("整个题库")
        A = "a", _("平行卷 A")
        B = "b", _("平行卷 B")

    title = models.CharField(_("标题"), max_length=120)
    kind = models.CharField(
        _("类型"), max_length=16, choices=Kind.choices, default=Kind.LESSON
    )
    course = models.ForeignKey(
        "lessons.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizzes",
        verbose_name=_("课程"),
        help_text=_("课前测和课后测所属的课程。"),
    )
    intro = models.TextField(_("说明"), blank=True)
    layout = models.CharField(
        _("显示方式"),
        max_length=16,
        choices=Layout.choices,
        default=Layout.ONE_PER_SCREEN,
    )
    shuffle_questions = models.BooleanField(_("打乱题目顺序"), default=False)
    shuffle_options = models.BooleanField(_("打乱选项顺序"), default=False)
    pass_mark = models.PositiveSmallIntegerField(
        _("及格分（百分制）"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("允许作答次数"), default=3, help_text=_("0 表示不限次数。")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("限时（分钟）"), null=True, blank=True, help_text=_("留空表示不限时。")
    )
    show_answers = models.CharField(
        _("何时显示答案"),
        max_length=16,
        choices=ShowAnswers.choices,
        default=ShowAnswers.AFTER_ATTEMPT,
    )
    form = models.CharField(
        _("抽题范围"),
        max_length=8,
        choices=Form.choices,
        default=Form.ALL,
        help_text=_(
            "课前测选 A、课后测选 B：同一能力题库被分成两份题目不同、"
            "能力分布相同的平行卷。"
        ),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="quiz")

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("course")]),
        FieldPanel("intro"),
        InlinePanel("items", label=_("固定题目")),
        MultiFieldPanel(
            [FieldPanel("form"), InlinePanel("pools", label=_("按能力抽题"))],
            heading=_("抽题"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("layout"), FieldPanel("show_answers")]),
                FieldRowPanel(
                    [FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("pass_mark"),
                        FieldPanel("attempts_allowed"),
                        FieldPanel("time_limit_minutes"),
                    ]
                ),
            ],
            heading=_("设置"),
        ),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("测验")
        verbose_name_plural = _("测验")

    @property
    def revisions(self):
        return self._revisions

    def __str__(self) -> str:
        return self.title


class QuizItem(Orderable):
    """A question every attempt of the quiz gets."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("题目")
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("固定题目")
        verbose_name_plural = _("固定题目")


class QuizPool(Orderable):
    """Draw `count` questions tagged with a competency (optionally one category)."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="pools")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("能力")
    )
    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("题库分类"),
    )
    count = models.PositiveSmallIntegerField(_("抽题数"), default=2)

    panels = [FieldPanel("competency"), FieldPanel("category"), FieldPanel("count")]

    class Meta(Orderable.Meta):
        verbose_name = _("抽题规则")
        verbose_name_plural = _("抽题规则")


class QuizAttempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("作答中")
        SUBMITTED = "submitted", _("已提交")

    class SubmitReason(models.TextChoices):
        LEARNER = "learner", _("学员提交")
        TIME_UP = "time_up", _("时间到，自动提交")

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("测验")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("用户"),
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    submit_reason = models.CharField(
        _("提交方式"), max_length=16, choices=SubmitReason.choices, blank=True
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    deadline = models.DateTimeField(_("截止时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Copied from the quiz at start, so a later settings change is not retroactive.
    pass_mark = models.PositiveSmallIntegerField(_("及格分"))
    points = models.FloatField(_("得分"), null=True, blank=True)
    max_points = models.FloatField(_("满分"), null=True, blank=True)
    score = models.FloatField(_("百分制得分"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), null=True, blank=True)
    # Random seed for this attempt's order, kept for reproducing what was shown.
    seed = models.BigIntegerField(_("随机种子"), default=0)

    class Meta:
        ordering = ["quiz", "user", "number"]
        verbose_name = _("作答记录")
        verbose_name_plural = _("作答记录")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="quizzes_attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(status="in_progress"),
                name="quizzes_attempt_one_open",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.user_id} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class AttemptAnswer(models.Model):
    """One question of an attempt: what was shown, what was chosen, and its credit.

    `key` (the correct option ids at start) never leaves the server before the
    attempt is graded.
    """

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="answers"
    )
    position = models.PositiveSmallIntegerField(_("题号"))
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers"
    )
    question_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    option_order = models.JSONField(_("选项顺序"), default=list)
    key = models.JSONField(_("正确选项"), default=list)
    chosen = models.JSONField(_("所选选项"), default=list)
    answered_at = models.DateTimeField(_("作答时间"), null=True, blank=True)
    credit = models.FloatField(_("得分"), null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("作答")
        verbose_name_plural = _("作答")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="quizzes_answer_position_unique"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="quizzes_answer_question_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


class QuizOutcome(models.Model):
    """Per worker and quiz, kept on every grading: what dashboards read."""

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("测验")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_outcomes",
        verbose_name=_("用户"),
    )
    attempts = models.PositiveSmallIntegerField(_("已提交次数"), default=0)
    first_score = models.FloatField(_("首次得分"), null=True)
    best_score = models.FloatField(_("最高分"), null=True)
    latest_score = models.FloatField(_("最近得分"), null=True)
    passed = models.BooleanField(_("已通过"), default=False)
    passed_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("测验成绩")
        verbose_name_plural = _("测验成绩")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user"], name="quizzes_outcome_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.user_id}"


class MasteryEvidence(models.Model):
    """One scored response counting towards a worker's mastery of a competency."""

    class Source(models.TextChoices):
        QUIZ = "quiz", _("测验")
        DECISION = "decision", _("故事决策")
        REVIEW = "review", _("每日复习")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mastery_evidence",
        verbose_name=_("用户"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+", verbose_name=_("能力")
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    # What it came from: "answer:<id>", "decision:<lesson>:<block>", "review:<id>".
    ref = models.CharField(_("来源标识"), max_length=120)
    credit = models.FloatField(_("得分"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("能力证据")
        verbose_name_plural = _("能力证据")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "competency", "ref"], name="quizzes_evidence_once"
            )
        ]
        indexes = [models.Index(fields=["user", "competency"])]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.competency_id} {self.ref}"


class Mastery(models.Model):
    """Mean credit per worker and competency, kept up to date from the evidence."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mastery",
        verbose_name=_("用户"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+", verbose_name=_("能力")
    )
    evidence_count = models.PositiveIntegerField(_("证据数"), default=0)
    credit_sum = models.FloatField(_("得分合计"), default=0)
    level = models.FloatField(_("掌握度"), default=0)  # 0..1
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("能力掌握度")
        verbose_name_plural = _("能力掌握度")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "competency"], name="quizzes_mastery_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.competency_id}: {self.level:.2f}"


class ReviewCard(models.Model):
    """A question a worker got wrong, in a Leitner box (1..5) with its next day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_cards",
        verbose_name=_("用户"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("题目")
    )
    box = models.PositiveSmallIntegerField(_("盒子"), default=1)
    due_on = models.DateField(_("到期日（上海时间）"))
    last_reviewed_on = models.DateField(_("上次复习"), null=True, blank=True)
    reviews = models.PositiveIntegerField(_("复习次数"), default=0)
    retired = models.BooleanField(_("已掌握"), default=False)

    class Meta:
        verbose_name = _("复习卡片")
        verbose_name_plural = _("复习卡片")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], name="quizzes_review_card_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "due_on"])]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.question_id} box {self.box}"


class QuizPlacement(models.Model):
    """A quiz block in a lesson's live script (kept in sync when the lesson saves)."""

    lesson = models.ForeignKey(
        "lessons.LessonPage",
        on_delete=models.CASCADE,
        related_name="quiz_placements",
        verbose_name=_("微课"),
    )
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name=_("测验"),
    )
    block_id = models.CharField(_("块标识"), max_length=64)

    class Meta:
        verbose_name = _("测验位置")
        verbose_name_plural = _("测验位置")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "block_id"], name="quizzes_placement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id} @ {self.lesson_id}"
