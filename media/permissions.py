"""The permission policy for videos, registered for Video in MediaConfig.ready().

wagtailmedia's own policy: collection permissions on "wagtailmedia.Media" (add,
change, delete, choose), with uploaders owning their videos. Views check it; the
services trust their caller.
"""

from wagtail.permission_policies.collections import (
    CollectionOwnershipPermissionPolicy,
)

from media.models import Video

permission_policy = CollectionOwnershipPermissionPolicy(
    Video, auth_model="wagtailmedia.Media", owner_field_name="uploaded_by_user"
)
