"""The district's organisation tree and each person's place in it."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

# Mainland mobile numbers: 11 digits starting 13-19. Stored without +86 or spaces.
MAINLAND_MOBILE_RE = r"^1[3-9]\d{9}$"
mainland_mobile_validator = RegexValidator(
    MAINLAND_MOBILE_RE, _("请输入 11 位中国大陆手机号，例如 13912345678。")
)


class OrgUnit(MP_Node):
    """A district (区), street or town (街道/镇) or neighbourhood (居民区/社区)."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("区")
        STREET = "street", _("街道/镇")
        NEIGHBOURHOOD = "neighbourhood", _("居民区/社区")

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    # Import files and the demo refer to units by this stable code, not by id.
    code = models.SlugField(_("组织编码"), max_length=64, unique=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("组织单元")
        verbose_name_plural = _("组织单元")

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """A person's org unit, position and phone; the phone is their identity key.

    The primary key is the user's id, so a "person id" is the same number in
    every URL, whether it names the user or the profile.
    """

    class Position(models.TextChoices):
        PARTY_SECRETARY = "party_secretary", _("党组织书记")
        COMMITTEE_DIRECTOR = "committee_director", _("居委会主任")
        SOCIAL_WORKER = "social_worker", _("社工")
        BUILDING_LEADER = "building_leader", _("楼组长")
        OTHER = "other", _("其他")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
        verbose_name=_("用户"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="profiles",
        verbose_name=_("组织单元"),
    )
    position = models.CharField(
        _("岗位"), max_length=32, choices=Position.choices, default=Position.OTHER
    )
    # Unique: the bulk import matches existing people by phone number.
    phone = models.CharField(
        _("手机号"),
        max_length=11,
        unique=True,
        validators=[mainland_mobile_validator],
    )
    employee_no = models.CharField(_("工号"), max_length=32, blank=True)
    # Set when an import gave the first password: it must be changed at first
    # sign-in (cms/accounts/first_password.py).
    must_change_password = models.BooleanField(_("须修改初始密码"), default=False)

    class Meta:
        verbose_name = _("人员档案")
        verbose_name_plural = _("人员档案")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
