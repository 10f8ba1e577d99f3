from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    label = "media"
    verbose_name = _("视频与音频")

    def ready(self):
        from media.signals import register_signal_handlers

        register_signal_handlers()
