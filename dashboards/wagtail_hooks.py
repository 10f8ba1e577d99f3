"""Admin wiring of the learning-data section (学习数据)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from dashboards import admin_urls
from dashboards.access import may_see_content_aggregates, may_see_people_data


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [path("learning/", include(admin_urls, namespace="dashboards"))]


class _PeopleDataItem(MenuItem):
    def is_shown(self, request):
        return may_see_people_data(request.user)


class _ContentItem(MenuItem):
    def is_shown(self, request):
        return may_see_content_aggregates(request.user)


class _LearningSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return may_see_content_aggregates(request.user)


@hooks.register("register_admin_menu_item")
def register_learning_menu():
    menu = Menu(
        items=[
            _PeopleDataItem(
                _("单位概览"),
                reverse("dashboards:home"),
                name="learning-overview",
                icon_name="table",
                order=100,
            ),
            _ContentItem(
                _("微课分析"),
                reverse("dashboards:trainer_lessons"),
                name="learning-lessons",
                icon_name="doc-full",
                order=300,
            ),
        ]
    )
    return _LearningSubmenu(
        _("学习数据"), menu, name="learning-data", icon_name="table", order=140
    )
