"""What workers did and must do: progress events, progress, assignments, reminders.

- ProgressEvent: one row per client event id (a UUID made on the phone); the
  API stores a batch with one INSERT ... ON CONFLICT (event_id) DO NOTHING, so a
  replayed event changes nothing. The credited interval (clamped, flagged) sits
  on the row: the union of these per worker, lesson and video is what was watched.
- LessonProgress: one row per worker and lesson, folded from new events under a
  row lock; it never goes backwards. Dashboards sum its plain columns.
- DailyLearning: the 学时 ledger, seconds watched and read per worker per
  Asia/Shanghai day, plus lessons completed that day (a per-worker pre-aggregate).
- Habit: a worker's weekly goal; streaks are computed from DailyLearning.
- Assignment: a course or lessons for org-unit subtrees and/or positions, due.
- Notification and Urge: in-app reminders and the supervisors' 督学提醒 record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressEvent(models.Model):
    class Type(models.TextChoices):
        PLAY = "play", _("播放")
        PAUSE = "pause", _("暂停")
        SEEK = "seek", _("拖动")
        TICK = "tick", _("播放片段")
        ENDED = "ended", _("播放结束")
        STORY_STEP = "story_step", _("故事步骤")
        STORY_END = "story_end", _("故事读完")
        DECISION = "decision", _("决策")

    class Flag(models.TextChoices):
        """Why a played interval was credited less than the client claimed."""

        TOO_FAST = "too_fast", _("快于播放速度所允许")
        BEYOND_DURATION = "beyond_duration", _("超出视频时长")
        CLOCK = "clock", _("客户端时钟异常")
        OVERLAP = "overlap", _("与同一时段的其他播放重叠")
        UNKNOWN_VIDEO = "unknown_video", _("不是本课的视频")

    event_id = models.UUIDField(_("事件编号"), unique=True)
    # No index of its own: (user, lesson) below serves it, and each index costs
    # every insert of the ingest (20 rows a request).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="progress_events",
        verbose_name=_("用户"),
        db_index=False,
    )
    lesson = models.ForeignKey(
        "lessons.LessonPage",
        on_delete=models.CASCADE,
        related_name="progress_events",
        verbose_name=_("微课"),
    )
    type = models.CharField(_("类型"), max_length=16, choices=Type.choices)
    # The script block the event is about: a video block, or a story step.
    block_id = models.CharField(_("脚本块"), max_length=64, blank=True, default="")
    position = models.FloatField(_("位置（秒）"), null=True, blank=True)
    # What the client says it played, in media seconds, and how long it took.
    played_start = models.FloatField(null=True, blank=True)
    played_end = models.FloatField(null=True, blank=True)
    wall_seconds = models.FloatField(null=True, blank=True)
    rate = models.FloatField(_("播放速度"), null=True, blank=True)
    client_time = models.DateTimeField(_("客户端时间"))
    # What the server credits: the played interval clamped to what is plausible.
    credited_start = models.FloatField(null=True, blank=True)
    credited_end = models.FloatField(null=True, blank=True)
    credited_seconds = models.FloatField(_("计入时长（秒）"), default=0)
    flag = models.CharField(
        _("异常"), max_length=16, choices=Flag.choices, blank=True, default=""
    )
    data = models.JSONField(default=dict, blank=True)
    # sha256 of the canonical payload: the same id with another payload is a 409.
    payload_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("接收时间"))

    class Meta:
        verbose_name = _("学习事件")
        verbose_name_plural = _("学习事件")
        indexes = [
            models.Index(fields=["user", "lesson"], name="progress_event_user_lesson"),
            models.Index(fields=["received_at"], name="progress_event_received"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class LessonProgress(models.Model):
    class Status(models.TextChoices):
        STARTED = "started", _("学习中")
        COMPLETED = "completed", _("已完成")

    STATUS_ORDER = {Status.STARTED: 1, Status.COMPLETED: 2}

    # The three keys have no single-column index: the unique (user, lesson),
    # (lesson, status) and (course, status) lead with them, and every fold
    # rewrites each index of this row (last_activity_at is indexed, so no update
    # is HOT).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("用户"),
        db_index=False,
    )
    lesson = models.ForeignKey(
        "lessons.LessonPage",
        on_delete=models.CASCADE,
        related_name="progress_rows",
        verbose_name=_("微课"),
        db_index=False,
    )
    # The lesson's course, copied so dashboards group by course without the tree.
    course = models.ForeignKey(
        "lessons.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("课程"),
        db_index=False,
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.STARTED
    )
    percent = models.PositiveSmallIntegerField(_("完成度（%）"), default=0)
    # Seconds of video covered (union of intervals, all videos) and read.
    watched_seconds = models.FloatField(_("已观看（秒）"), default=0)
    learning_seconds = models.FloatField(_("学习时长（秒）"), default=0)
    # {video block id: [[start, end], ...]} merged, sorted, non-overlapping.
    coverage = models.JSONField(default=dict, blank=True)
    steps_read = models.JSONField(default=list, blank=True)
    story_end_seen = models.BooleanField(default=False)
    story_done = models.BooleanField(_("故事已读完"), default=False)
    quiz_passed = models.BooleanField(_("测验已通过"), default=False)
    flagged_events = models.PositiveIntegerField(_("异常事件数"), default=0)
    resume_block = models.CharField(max_length=64, blank=True, default="")
    resume_position = models.FloatField(_("续播位置（秒）"), default=0)
    resume_client_time = models.DateTimeField(null=True, blank=True)
    practice_done_at = models.DateTimeField(
        _("实践任务完成时间"), null=True, blank=True
    )
    first_activity_at = models.DateTimeField(_("首次学习"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("最近学习"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Bumped by every write: the PostgreSQL ingest reads the row without a lock
    # and writes it back only if this is unchanged (else it reads again).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("微课进度")
        verbose_name_plural = _("微课进度")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="progress_lessonprogress_one_per_lesson"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "-last_activity_at"], name="progress_lp_recent"
            ),
            models.Index(fields=["lesson", "status"], name="progress_lp_lesson_status"),
            models.Index(fields=["course", "status"], name="progress_lp_course_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.lesson_id} {self.status} {self.percent}%"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class DailyLearning(models.Model):
    """学时 ledger: what one worker learned on one Asia/Shanghai day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="daily_learning",
        verbose_name=_("用户"),
        db_index=False,  # the unique (user, day) serves it
    )
    day = models.DateField(_("日期"))
    watched_seconds = models.FloatField(_("观看（秒）"), default=0)
    read_seconds = models.FloatField(_("阅读（秒）"), default=0)
    lessons_completed = models.PositiveSmallIntegerField(_("完成微课数"), default=0)

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="progress_daily_one")
        ]
        indexes = [models.Index(fields=["day"], name="progress_daily_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"

    @property
    def minutes(self) -> float:
        return (self.watched_seconds + self.read_seconds) / 60


class Habit(models.Model):
    DEFAULT_WEEKLY_GOAL = 3

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="habit",
        verbose_name=_("用户"),
    )
    weekly_goal = models.PositiveSmallIntegerField(
        _("每周目标（节）"), default=DEFAULT_WEEKLY_GOAL
    )

    class Meta:
        verbose_name = _("学习习惯")
        verbose_name_plural = _("学习习惯")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.weekly_goal}"


class Assignment(models.Model):
    """A course or some lessons assigned to org-unit subtrees and/or positions."""

    title = models.CharField(_("名称"), max_length=120)
    course = models.ForeignKey(
        "lessons.CoursePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("课程"),
    )
    lessons = models.ManyToManyField(
        "lessons.LessonPage",
        blank=True,
        related_name="assignments",
        verbose_name=_("微课"),
    )
    # Every worker in the subtree of any of these units (none: every unit).
    org_units = models.ManyToManyField(
        "cms.OrgUnit", blank=True, related_name="assignments", verbose_name=_("组织")
    )
    # cms Profile.Position values (none: every position).
    positions = models.JSONField(_("岗位"), default=list, blank=True)
    due_date = models.DateField(_("截止日期"))
    recurs_yearly = models.BooleanField(_("每年重复"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("布置人"),
    )
    created_at = models.DateTimeField(_("布置时间"), auto_now_add=True)
    closed = models.BooleanField(_("已关闭"), default=False)

    class Meta:
        verbose_name = _("学习任务")
        verbose_name_plural = _("学习任务")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将到期")
        OVERDUE = "overdue", _("已逾期")
        URGE = "urge", _("督学提醒")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # The daily job may run twice: one notification per key (e.g. overdue:7:day).
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Quiet hours: not shown or emailed before this time.
    deliver_after = models.DateTimeField(_("送达时间"))
    email_due = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(_("清除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-deliver_after", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="progress_notif_key")
        ]
        indexes = [
            models.Index(fields=["user", "cleared_at"], name="progress_notif_inbox")
        ]

    def __str__(self) -> str:
        return self.title


class Urge(models.Model):
    """A supervisor's 督学提醒 to one worker: at most one per worker per day."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="urges_sent",
        verbose_name=_("发送人"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="urges_received",
        verbose_name=_("社工"),
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    day = models.DateField(_("日期"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("督学提醒")
        verbose_name_plural = _("督学提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "day"], name="progress_urge_daily"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} -> {self.worker_id} {self.day}"
