from wagtail import hooks
from wagtail.permissions import register_permission_policy

from cms.models import OrgUnit, Profile
from cms.viewsets import PeopleViewSetGroup, ViewOnlyPermissionPolicy

# Registered first, so that every Wagtail screen (menus, choosers, the viewsets
# below) sees people and org units as view-only.
register_permission_policy(OrgUnit, ViewOnlyPermissionPolicy(OrgUnit))
register_permission_policy(Profile, ViewOnlyPermissionPolicy(Profile))


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()
