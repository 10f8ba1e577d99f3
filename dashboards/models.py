"""Pre-aggregated learning figures behind the supervisor dashboards.

Nothing here is a source of truth: worker rows are recomputed from the raw rows
(progress, assignments, quiz attempts) by dashboards.services.stats for the
workers marked dirty, within a minute of the event (beat task each minute), and
unit rows change by the difference between a worker's old and new rows, so a
refresh costs what the dirty workers cost, not what the district costs.

- WorkerStat: one row per worker, figures as of now (assignments, completion,
  overdue, last activity, totals, pre/post gain).
- WorkerWeekStat: one row per worker and Asia/Shanghai week with activity.
- UnitWeekStat: the same sums per org unit (every level) and week, for the
  period figures and the weekly trend of a unit without scanning its workers.
- WorkerLessonState: per worker and lesson: assigned, started, completed.
- UnitLessonStat: per org unit (every level) and lesson: assigned, started,
  completed, for completion by course and lesson.
- DirtyWorker: workers whose figures must be recomputed.
- UnitLessonFunnel, UnitTypeOutcome, TrainerFiguresMark: the trainers' lesson
  funnels and outcomes by instructor type per org unit (own workers only, not
  the subtree), as of the mark, for the content the mark's signature names
  (dashboards.trainer_figures).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.models import OrgUnit


class WorkerStat(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("用户"),
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("组织单元")
    )
    # A copy of the unit's treebeard path: a subtree is a prefix match on one
    # indexed column, no join.
    path = models.CharField(max_length=255)
    assigned = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    last_active_at = models.DateTimeField(null=True, blank=True)
    learning_seconds = models.BigIntegerField(default=0)
    quiz_attempts = models.PositiveIntegerField(default=0)
    quiz_score_sum = models.FloatField(default=0)
    quiz_passed = models.PositiveIntegerField(default=0)
    gain_sum = models.FloatField(default=0)
    gain_count = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("学员学习汇总")
        verbose_name_plural = _("学员学习汇总")
        indexes = [
            models.Index(
                fields=["path"],
                name="dash_workerstat_path",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.completed}/{self.assigned}"


class WorkerWeekStat(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(_("周一"))
    path = models.CharField(max_length=255)
    learning_seconds = models.BigIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    quiz_attempts = models.PositiveIntegerField(default=0)
    quiz_score_sum = models.FloatField(default=0)
    quiz_passed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"], name="dash_workerweekstat_one_per_week"
            )
        ]
        indexes = [
            models.Index(
                fields=["week", "path"],
                name="dash_workerweek_week_path",
                opclasses=["date_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.week}"


class UnitWeekStat(models.Model):
    # Signed sums: a refresh adds negative differences with INSERT ... ON
    # CONFLICT, and PostgreSQL checks the proposed row before the conflict.

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("周一"))
    active_workers = models.IntegerField(default=0)
    learning_seconds = models.BigIntegerField(default=0)
    completions = models.IntegerField(default=0)
    quiz_attempts = models.IntegerField(default=0)
    quiz_score_sum = models.FloatField(default=0)
    quiz_passed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "week"], name="dash_unitweekstat_one_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} @ {self.week}"


class WorkerLessonState(models.Model):
    """A worker's state on one lesson, as last counted into UnitLessonStat."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(
        "lessons.LessonPage", on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=255)
    assigned = models.BooleanField(default=False)
    started = models.BooleanField(default=False)
    completed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="dash_workerlessonstate_one"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.lesson_id}"


class UnitLessonStat(models.Model):
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(
        "lessons.LessonPage", on_delete=models.CASCADE, related_name="+"
    )
    assigned = models.IntegerField(default=0)
    started = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    assigned_completed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "lesson"], name="dash_unitlessonstat_one"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} @ {self.lesson_id}"


class DirtyWorker(models.Model):
    """A worker whose figures must be recomputed (set by writes, cleared by refresh)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.user_id)


class RefreshMark(models.Model):
    """How far the change scan of the stats refresh has read (one row per scan)."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at}"


class UnitLessonFunnel(models.Model):
    """Distinct people of the unit itself (not its subtree) per funnel stage."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(
        "lessons.LessonPage", on_delete=models.CASCADE, related_name="+"
    )
    opened = models.IntegerField(default=0)
    half_watched = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    quiz_passed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "lesson"], name="dash_unitlessonfunnel_one"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} @ {self.lesson_id}"


class UnitTypeOutcome(models.Model):
    """Sums behind the outcomes by instructor type, for the unit's own people.

    Worker counts add up over units because a person has one unit; means are
    kept as sum and count so that they add up too.
    """

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, blank=True)  # "" : no instructor type
    opened = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    completion_workers = models.IntegerField(default=0)
    score_sum = models.FloatField(default=0)
    score_count = models.IntegerField(default=0)
    score_workers = models.IntegerField(default=0)
    gain_sum = models.FloatField(default=0)
    gain_count = models.IntegerField(default=0)
    gain_workers = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "kind"], name="dash_unittypeoutcome_one"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} @ {self.kind}"


class TrainerFiguresMark(models.Model):
    """When the trainers' unit rows were last brought up to date, and for what
    content (a digest of the lessons, videos, quizzes and instructor types the
    figures were computed with): other content, or an old mark, and the pages
    compute from the raw rows instead."""

    name = models.CharField(max_length=40, primary_key=True)
    signature = models.CharField(max_length=64)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at}"
