from django.template import engines
from django.urls import reverse
from django.utils.translation import gettext as _
from laces.components import Component
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from cms.models import OrgUnit, Profile
from cms.selectors import supervisor_scope_summary
from cms.viewsets import PeopleViewSetGroup, ViewOnlyPermissionPolicy

# Registered first, so that every Wagtail screen (menus, choosers, the viewsets
# below) sees people and org units as view-only.
register_permission_policy(OrgUnit, ViewOnlyPermissionPolicy(OrgUnit))
register_permission_policy(Profile, ViewOnlyPermissionPolicy(Profile))


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()


# Uses Wagtail's own {% panel %} markup; kept inline because the panel is three
# lines and has no template of its own to override.
_SCOPE_PANEL = engines["django"].from_string(
    "{% load wagtailadmin_tags %}"
    '{% panel id="supervisor-scope" heading=heading classname="w-panel--dashboard" %}'
    '<div class="w-px-6"><p>{{ summary }}</p>'
    '<p><a class="button button-small" href="{{ units_url }}">{{ units_label }}</a> '
    '<a class="button button-small button-secondary" href="{{ people_url }}">'
    "{{ people_label }}</a></p></div>"
    "{% endpanel %}"
)


class SupervisorScopePanel(Component):
    """The supervisor's dashboard: what they oversee and where to drill down."""

    name = "supervisor_scope"
    order = 50

    def __init__(self, summary):
        self.summary = summary

    def render_html(self, parent_context=None):
        root = self.summary.root
        return _SCOPE_PANEL.render(
            {
                "heading": _("我的督导范围"),
                "summary": _("%(unit)s：%(units)d 个组织单元，%(people)d 人")
                % {
                    "unit": root.name,
                    "units": self.summary.unit_count,
                    "people": self.summary.people_count,
                },
                "units_url": reverse("org_units:index")
                + (f"?parent={root.pk}" if root.numchild else ""),
                "units_label": _("组织架构"),
                "people_url": reverse("people:index"),
                "people_label": _("人员"),
            }
        )


@hooks.register("construct_homepage_panels")
def add_supervisor_scope_panel(request, panels):
    summary = supervisor_scope_summary(viewer=request.user)
    if summary is not None:
        panels.append(SupervisorScopePanel(summary))


@hooks.register("construct_help_menu")
def hide_english_wagtail_guides(request, menu_items):
    """Wagtail's "What's new" and editor guide link to English pages on wagtail.org."""
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new")
    ]
