"""Wagtail's users app, pointed at our user viewset (profile fields on the forms).

Kept out of cms/apps.py: a second AppConfig there would stop Django picking
CmsConfig automatically for "cms".
"""

from wagtail.users.apps import WagtailUsersAppConfig


class WeiketangUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "cms.users_admin.viewsets.UserViewSet"
