"""Wagtail's Users admin with the person's org unit, position and phone.

apps.WeiketangUsersAppConfig replaces ``wagtail.users`` in INSTALLED_APPS and
points it at viewsets.UserViewSet, whose forms (forms.py) carry the profile
fields and whose views save the profile with ``profile_save``.
"""
