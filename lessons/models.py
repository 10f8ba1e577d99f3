from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import (
    LessonScriptBlock,
    Rating,
    duplicate_anchor_errors,
    jump_target_errors,
    script_blocks,
)
from .cjk import cjk_ngrams
from .panels import LessonEstimatePanel

# Workers read on phones; the narrowest common Android width comes first so the
# admin preview opens at the size the page must work at.
PHONE_PREVIEW_SIZES = [
    {
        "name": "phone",
        "icon": "mobile-alt",
        "device_width": 360,
        "label": _("按手机宽度预览（360 像素）"),
    },
    {
        "name": "tablet",
        "icon": "tablet-alt",
        "device_width": 768,
        "label": _("按平板宽度预览"),
    },
    {
        "name": "desktop",
        "icon": "desktop",
        "device_width": 1280,
        "label": _("按电脑宽度预览"),
    },
]


class PhonePreviewMixin:
    @property
    def preview_sizes(self):
        return PHONE_PREVIEW_SIZES

    @property
    def default_preview_size(self):
        return "phone"


class Topic(models.Model):
    """One of the district's fixed 三微治理 topics; free tags sit beside it."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    # A topic names a part of the site's own navigation (home feed, catalogue
    # filter), so an English page shows it in English.
    name_en = models.CharField(
        _("英文名称"),
        max_length=60,
        blank=True,
        help_text=_("英文界面显示的名称；不填则显示中文名称。"),
    )
    slug = models.SlugField(_("标识"), max_length=40, unique=True, allow_unicode=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language (English when there is one)."""
        return in_language(self.name, self.name_en)


def in_language(chinese: str, english: str) -> str:
    """The English text on English pages when there is one, else the Chinese."""
    if english and (get_language() or "").startswith("en"):
        return english
    return chinese


class SiteHeadingMixin(models.Model):
    """The site's own pages (learning home, catalogue) head the site's navigation:
    their heading and intro are UI text, so they have an English version too."""

    title_en = models.CharField(
        _("英文标题"),
        max_length=120,
        blank=True,
        help_text=_("英文界面显示的标题；不填则显示中文标题。"),
    )
    intro_en = RichTextField(_("英文简介"), blank=True)

    class Meta:
        abstract = True

    @property
    def heading(self) -> str:
        return in_language(self.title, self.title_en)

    @property
    def intro_text(self) -> str:
        return in_language(self.intro, self.intro_en)


class Instructor(index.Indexed, models.Model):
    """A person credited on courses and lessons; the catalogue filters by type."""

    class Type(models.TextChoices):
        COMMUNITY_PLANNER = "community_planner", _("社区规划师")
        LEGAL_COMMISSIONER = "legal_commissioner", _("法治专员")
        NEIGHBOURHOOD_LEADER = "neighbourhood_leader", _("居民区书记/主任")
        SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
        SCHOLAR = "scholar", _("专家学者")
        FRONTLINE_SOCIAL_WORKER = "frontline_social_worker", _("一线社工")

    name = models.CharField(_("姓名"), max_length=60)
    type = models.CharField(_("类型"), max_length=32, choices=Type.choices)
    bio = models.TextField(_("简介"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("照片"),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("type"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("bio")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("讲师")
        verbose_name_plural = _("讲师")

    def __str__(self) -> str:
        return f"{self.name}({self.get_type_display()})"


class Character(models.Model):
    """A person in a story; dialogue lines name their speaker by this snippet."""

    class Role(models.TextChoices):
        RESIDENT = "resident", _("居民")
        PROPERTY_MANAGER = "property_manager", _("物业经理")
        OWNERS_COMMITTEE_CHAIR = "owners_committee_chair", _("业委会主任")
        LEGAL_COMMISSIONER = "legal_commissioner", _("法治专员")
        COMMUNITY_PLANNER = "community_planner", _("社区规划师")
        PARTY_SECRETARY = "party_secretary", _("居民区书记")
        SOCIAL_WORKER = "social_worker", _("社工")
        BUILDING_LEADER = "building_leader", _("楼组长")
        OTHER = "other", _("其他")

    name = models.CharField(_("名字"), max_length=60)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    avatar = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("头像"),
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("avatar")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("角色人物")
        verbose_name_plural = _("角色人物")

    def __str__(self) -> str:
        return f"{self.name}({self.get_role_display()})"

    @property
    def avatar_initial(self) -> str:
        """The first character of the name, for a text avatar when there is no image."""
        return self.name.strip()[:1] or "?"


class LearningHomePage(PhonePreviewMixin, SiteHeadingMixin, Page):  # noqa: DJ008 (Page names it)
    """The site root a social worker lands on: the feed of assigned and new lessons."""

    intro = RichTextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("title_en"), FieldPanel("intro_en")], heading=_("英文界面")
        ),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("学习首页")


class CourseIndexPage(PhonePreviewMixin, SiteHeadingMixin, Page):  # noqa: DJ008 (Page names it)
    """The catalogue of courses (one, at /courses/)."""

    intro = RichTextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("title_en"), FieldPanel("intro_en")], heading=_("英文界面")
        ),
    ]
    max_count = 1
    parent_page_types = ["lessons.LearningHomePage"]
    subpage_types = ["lessons.CoursePage"]

    class Meta:
        verbose_name = _("课程目录")


def position_choices():
    from cms.models import Profile

    return Profile.Position.choices


class CoursePageForm(WagtailAdminPageForm):
    target_positions = forms.MultipleChoiceField(
        label=_("适用岗位"),
        choices=position_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class CoursePage(PhonePreviewMixin, Page):
    """A series of lessons on one topic."""

    summary = models.TextField(_("简介"), blank=True)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("封面"),
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("主题"),
    )
    tags = ClusterTaggableManager(
        through="lessons.CoursePageTag", blank=True, verbose_name=_("标签")
    )
    # A JSON list of cms Profile.Position values, so it works on SQLite too.
    target_positions = models.JSONField(_("适用岗位"), default=list, blank=True)
    instructors = ParentalManyToManyField(
        Instructor, blank=True, related_name="courses", verbose_name=_("讲师")
    )

    base_form_class = CoursePageForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover"),
        MultiFieldPanel(
            [FieldPanel("topic"), FieldPanel("tags")], heading=_("主题与标签")
        ),
        FieldPanel("target_positions"),
        FieldPanel("instructors", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["lessons.CourseIndexPage"]
    subpage_types = ["lessons.LessonPage"]

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def get_target_positions_display(self) -> list[str]:
        labels = dict(position_choices())
        return [str(labels.get(value, value)) for value in self.target_positions]


class LessonPage(PhonePreviewMixin, Page):
    """One story lesson: a script of scenes, dialogue, decisions and videos."""

    summary = models.TextField(_("简介"), blank=True)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("主题"),
    )
    tags = ClusterTaggableManager(
        through="lessons.LessonPageTag", blank=True, verbose_name=_("标签")
    )
    instructors = ParentalManyToManyField(
        Instructor, blank=True, related_name="lessons", verbose_name=_("讲师")
    )
    script = StreamField(
        LessonScriptBlock(script_blocks()),
        blank=True,
        verbose_name=_("故事脚本"),
    )
    # The progress rule: every video in the lesson covered to this share.
    completion_threshold = models.PositiveSmallIntegerField(
        _("视频完成标准（%）"),
        default=90,
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(100)],
        help_text=_("每段视频至少看完这个比例才算学完；留空按 90%。"),
    )
    # Plain text of the script, kept on save: Chinese has no spaces, so search
    # matches substrings of this rather than the full-text index's tokens.
    search_text = models.TextField(editable=False, blank=True, default="")

    content_panels = Page.content_panels + [
        LessonEstimatePanel(heading=_("时长与流量")),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("topic"), FieldPanel("tags")], heading=_("主题与标签")
        ),
        FieldPanel("instructors", widget=forms.CheckboxSelectMultiple),
        FieldPanel("script"),
        FieldPanel("completion_threshold"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("search_text"),
        index.SearchField("search_ngrams"),
        # The admin's page search autocompletes: give it the n-grams too.
        index.AutocompleteField("search_ngrams"),
        index.FilterField("topic"),
    ]
    parent_page_types = ["lessons.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("微课")
        verbose_name_plural = _("微课")

    def clean_fields(self, exclude=None):
        """Refuse broken jumps on every save, not only through the admin form.

        The admin form's script block already reports them field by field; a
        field that failed there is in `exclude`, so the message is not repeated.
        """
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not exclude or "script" not in exclude:
            messages = [
                message
                for options in jump_target_errors(self.script).values()
                for message in options.values()
            ] + list(duplicate_anchor_errors(self.script).values())
            if messages:
                errors.setdefault("script", []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        from .authoring import script_plain_text

        self.search_text = script_plain_text(self.script, consequences=False)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "script" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        return super().save(*args, **kwargs)

    def search_ngrams(self) -> str:
        return cjk_ngrams(f"{self.title}\n{self.summary}\n{self.search_text}")

    @cached_property
    def estimate(self):
        """Minutes and data cost of the script (computed once per instance)."""
        from .authoring import lesson_estimate

        return lesson_estimate(self.script)

    @property
    def estimated_minutes(self) -> int:
        return self.estimate.minutes

    @property
    def data_cost_bytes(self) -> int:
        return self.estimate.data_bytes


class CoursePageTag(TaggedItemBase):
    content_object = ParentalKey(
        CoursePage, on_delete=models.CASCADE, related_name="tagged_items"
    )


class LessonPageTag(TaggedItemBase):
    content_object = ParentalKey(
        LessonPage, on_delete=models.CASCADE, related_name="tagged_items"
    )


class DecisionChoiceQuerySet(models.QuerySet):
    def first_choices(self):
        """The scored choices: each worker's first at each decision point."""
        return self.filter(is_first=True)

    def of_decision(self, *, lesson, decision_id: str):
        return self.filter(lesson=lesson, decision_id=decision_id)


class DecisionChoice(models.Model):
    """One choice a learner made at one decision point of one lesson.

    Every choice is kept with its time, re-choices (改选) included; the first one
    at each decision point is the judgement the learner made and is the one that
    is scored (`is_first`, at most one per worker, lesson and decision).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="decision_choices",
        verbose_name=_("用户"),
    )
    lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.CASCADE,
        related_name="decision_choices",
        verbose_name=_("微课"),
    )
    decision_id = models.CharField(_("决策点"), max_length=64)
    option_index = models.PositiveSmallIntegerField(_("选项序号"))
    # Copied at choice time, so later edits to the script do not rewrite history.
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices)
    is_first = models.BooleanField(_("第一次选择"), default=False)
    chosen_at = models.DateTimeField(_("选择时间"), default=timezone.now)

    objects = DecisionChoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("决策选择")
        verbose_name_plural = _("决策选择")
        ordering = ["chosen_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "decision_id"],
                condition=models.Q(is_first=True),
                name="lessons_decisionchoice_one_first_per_decision",
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "lesson", "decision_id", "chosen_at"],
                name="lessons_decision_history",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.user_id} @ {self.lesson_id}/{self.decision_id}: {self.option_index}"
        )
