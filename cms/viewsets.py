"""Read-only admin screens for people and org units, for supervisors and admins.

Drill-down: district > street > neighbourhood (org unit list, ?parent=<id>) and
the people of any unit's subtree (people list, ?org_unit=<id>), then one person.
Every queryset and every id in a URL goes through cms.scoping, so an id outside
the viewer's subtree answers 404 exactly like an id that does not exist.

Only the index, its results fragment (search) and the person detail are routed:
no add/edit/delete/history/usage endpoints exist to forget a scope check on.
People and the tree are changed by `import_people` and `import_org_units`.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from cms.exports import ChineseSpreadsheetExportMixin, local_minute_text
from cms.models import OrgUnit, Profile
from cms.scoping import (
    get_org_unit_or_404,
    get_person_or_404,
    org_units_for,
    supervised_root,
)
from cms.selectors import org_unit_rows, person_rows, visible_ancestry


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, but only "view" can ever be granted through these screens."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.user_has_permission(user, "view")


def _ancestry_label(viewer, unit: OrgUnit) -> str:
    """A breadcrumb like 江浦路街道 › 五环居民区, from the highest unit in scope."""
    return " › ".join(u.name for u in visible_ancestry(viewer=viewer, unit=unit))


class OrgUnitIndexView(IndexView):
    page_title = _("组织架构")
    default_ordering = "name_pinyin"

    @cached_property
    def parent(self) -> OrgUnit | None:
        pk = self.request.GET.get("parent")
        return get_org_unit_or_404(self.request.user, pk) if pk else None

    def get_base_queryset(self):
        return org_unit_rows(viewer=self.request.user, parent=self.parent)

    def get_page_subtitle(self):
        if self.parent is None:
            return ""
        return _ancestry_label(self.request.user, self.parent)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.parent is not None:
            up = self.parent.get_parent()
            visible = up and org_units_for(self.request.user).filter(pk=up.pk).exists()
            url = reverse("org_units:index")
            if visible:
                url += f"?parent={up.pk}"
            buttons.append(HeaderButton(_("上一级"), url=url, icon_name="arrow-up"))
            buttons.append(
                HeaderButton(
                    _("本单位全部人员"),
                    url=reverse("people:index") + f"?org_unit={self.parent.pk}",
                    icon_name="group",
                )
            )
        return buttons

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=_("名称"),
                get_url=self._drill_down_url,
                sort_key="name_pinyin",
            ),
            Column("level", label=_("层级"), accessor="get_level_display"),
            Column("numchild", label=_("下级单元"), sort_key="numchild"),
            TitleColumn(
                "people_count",
                label=_("人员"),
                get_url=self._people_url,
                sort_key="people_count",
            ),
        ]

    def _drill_down_url(self, unit):
        if unit.numchild:
            return reverse("org_units:index") + f"?parent={unit.pk}"
        return self._people_url(unit)

    def _people_url(self, unit):
        return reverse("people:index") + f"?org_unit={unit.pk}"


class PersonIndexView(ChineseSpreadsheetExportMixin, IndexView):
    page_title = _("人员")
    default_ordering = "name_pinyin"
    search_fields = ["user__first_name", "user__last_name", "phone", "employee_no"]
    search_backend_name = None
    list_export = [
        "display_name",
        "phone",
        "get_position_display",
        "org_unit",
        "employee_no",
        "user.last_login",
    ]
    export_headings = {
        "display_name": _("姓名"),
        "phone": _("手机号"),
        "get_position_display": _("岗位"),
        "org_unit": _("组织单元"),
        "employee_no": _("工号"),
        "user.last_login": _("最近登录"),
    }
    # 江浦路街道-人员-2026-12-02.xlsx (cms.exports)
    export_subject = _("人员")

    @cached_property
    def org_unit(self) -> OrgUnit | None:
        pk = self.request.GET.get("org_unit")
        return get_org_unit_or_404(self.request.user, pk) if pk else None

    def get_base_queryset(self):
        return person_rows(viewer=self.request.user, org_unit=self.org_unit)

    def get_page_subtitle(self):
        if self.org_unit is None:
            return ""
        return _ancestry_label(self.request.user, self.org_unit)

    def get_export_unit_name(self) -> str | None:
        """The unit whose people are listed: the filter, else the viewer's root."""
        unit = self.org_unit or supervised_root(self.request.user)
        if unit is None:
            tops = org_units_for(self.request.user).filter(depth=1)[:2]
            unit = tops[0] if len(tops) == 1 else None
        return unit.name if unit else None

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=_("姓名"),
                accessor="display_name",
                get_url=lambda p: reverse("people:inspect", args=[p.pk]),
                sort_key="name_pinyin",
            ),
            Column("position", label=_("岗位"), accessor="get_position_display"),
            Column("org_unit", label=_("组织单元"), accessor="org_unit.name"),
            Column("phone", label=_("手机号")),
            DateColumn(
                "last_login",
                label=_("最近登录"),
                accessor="user.last_login",
                sort_key="user__last_login",
            ),
        ]


class PersonInspectView(InspectView):
    page_title = _("人员详情")
    fields = [
        "name",
        "username",
        "org_unit",
        "position",
        "phone",
        "employee_no",
        "last_login",
        "is_active",
    ]
    labels = {
        "name": _("姓名"),
        "username": _("用户名"),
        "org_unit": _("组织单元"),
        "position": _("岗位"),
        "phone": _("手机号"),
        "employee_no": _("工号"),
        "last_login": _("最近登录"),
        "is_active": _("账号启用"),
    }

    def get_object(self, queryset=None):
        person = get_person_or_404(self.request.user, self.pk)
        try:
            return Profile.objects.select_related("user", "org_unit").get(user=person)
        except Profile.DoesNotExist:
            raise Http404("No such person") from None

    def get_field_label(self, field_name, field):
        return self.labels[field_name]

    def get_name_display_value(self):
        return self.object.display_name

    def get_username_display_value(self):
        return self.object.user.get_username()

    def get_org_unit_display_value(self):
        return _ancestry_label(self.request.user, self.object.org_unit)

    def get_last_login_display_value(self):
        return local_minute_text(self.object.user.last_login) or "-"

    def get_is_active_display_value(self):
        return _("是") if self.object.user.is_active else _("否")


class _ReadOnlyViewSet(ModelViewSet):
    # The permission policy (ViewOnlyPermissionPolicy) is registered for the
    # model in wagtail_hooks.py, before these viewsets.
    exclude_form_fields = []
    add_to_admin_menu = False

    def get_urlpatterns(self):
        urlpatterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
        if self.inspect_view_enabled:
            urlpatterns.append(
                path("<int:pk>/", self.inspect_view, name="inspect"),
            )
        return urlpatterns


class OrgUnitViewSet(_ReadOnlyViewSet):
    model = OrgUnit
    name = "org_units"
    url_prefix = "org-units"
    icon = "site"
    menu_label = _("组织架构")
    index_view_class = OrgUnitIndexView


class PersonViewSet(_ReadOnlyViewSet):
    model = Profile
    name = "people"
    url_prefix = "people"
    icon = "user"
    menu_label = _("人员")
    index_view_class = PersonIndexView
    list_filter = ["position"]
    inspect_view_class = PersonInspectView
    inspect_view_enabled = True
    inspect_view_fields = PersonInspectView.fields


class PeopleViewSetGroup(ViewSetGroup):
    menu_label = _("组织与人员")
    menu_icon = "group"
    menu_order = 150
    items = (OrgUnitViewSet, PersonViewSet)
