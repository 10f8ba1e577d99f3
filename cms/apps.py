from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("站点与组织")

    def ready(self):
        import cms.accounts.address_throttle  # noqa: F401 (counts failed sign-ins)
        import cms.accounts.first_password  # noqa: F401 (marks first sign-ins)
        from cms.exports import register_sqlite_pinyin_collation

        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="cms_sync_roles")
        # Names sort by pinyin on the embedded demo's SQLite too (cms.exports).
        connection_created.connect(
            register_sqlite_pinyin_collation, dispatch_uid="cms_pinyin_collation"
        )


def _sync_roles(sender, using="default", apps=None, **kwargs):
    # Models added by later migrations (new lesson or quiz types) join the roles
    # here. Permissions of apps after cms in INSTALLED_APPS do not exist yet when
    # this runs, so create them first (an idempotent operation).
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from cms.roles import sync_role_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_role_permissions(global_apps, using=using)
