from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    label = "media"
    verbose_name = _("视频与音频")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from media import checks  # noqa: F401 - registers the system checks
        from media.models import Video
        from media.permissions import permission_policy
        from media.signals import register_signal_handlers

        register_permission_policy(Video, permission_policy)
        register_signal_handlers()
