"""The three roles, as Django groups, and what each may do in the Wagtail admin.

Roles are groups so that an administrator can see and audit them in Wagtail's own
group screens. The permissions of a role are computed here, not clicked together,
so that they stay the same on every installation and a test can prove them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

LEARNERS = "Learners"
TRAINERS = "Trainers"
SUPERVISORS = "Supervisors"
ALL_ROLES = (LEARNERS, TRAINERS, SUPERVISORS)

# Apps whose models make up lesson content: trainers may add, change and delete
# them; supervisors may only view them.
CONTENT_APPS = ("lessons", "quizzes", "media", "wagtailmedia")
# Rows in content apps that record what learners did (any model with a `user`
# foreign key to the user model, e.g. decisions, progress, attempts) are not
# content: a model-wide permission on them would bypass cms.scoping. Listed here
# are further models to leave out, by model name.
CONTENT_MODELS_EXCLUDED: set[str] = {"attemptanswer", "quizplacement"}

# Collection-scoped permissions (images, documents, wagtailmedia) are granted on
# the root collection, so that they cover every collection.
TRAINER_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "image", ("add", "change", "delete", "choose")),
    ("wagtaildocs", "document", ("add", "change", "delete", "choose")),
    ("wagtailmedia", "media", ("add", "change", "delete", "choose")),
)
# Page permissions on the learning home and everything below it.
TRAINER_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
)
# The lesson materials (微课素材: instructors, characters, topics) are trainers'
# working files: supervisors get no menu for them, not even a read-only one.
SUPERVISOR_HIDDEN_MODELS = {
    ("lessons", "instructor"),
    ("lessons", "character"),
    ("lessons", "topic"),
}
# Supervisors read people and org units (through the scoped admin views).
SUPERVISOR_EXTRA_PERMISSIONS = (("cms", "view_orgunit"), ("cms", "view_profile"))

# Never granted to any role: with these a trainer or supervisor could make
# themselves a superuser or widen their own rights.
FORBIDDEN_PERMISSIONS = (
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "delete_user"),
    ("auth", "add_group"),
    ("auth", "change_group"),
    ("auth", "delete_group"),
    ("auth", "add_permission"),
    ("auth", "change_permission"),
    ("auth", "delete_permission"),
    ("wagtailcore", "add_grouppagepermission"),
    ("wagtailcore", "change_grouppagepermission"),
    ("wagtailcore", "add_groupcollectionpermission"),
    ("wagtailcore", "change_groupcollectionpermission"),
)


def has_role(user: User | AnonymousUser, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    # Cached per user object: role checks run several times per request.
    cache = getattr(user, "_weiketang_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._weiketang_roles = cache
    return role in cache


def is_learner(user) -> bool:
    return has_role(user, LEARNERS)


def is_trainer(user) -> bool:
    return has_role(user, TRAINERS)


def is_supervisor(user) -> bool:
    return has_role(user, SUPERVISORS)


def is_learner_record(apps, app_label: str, model_name: str) -> bool:
    """Whether a model stores a learner's own data (it has a `user` foreign key)."""
    from django.conf import settings
    from django.core.exceptions import FieldDoesNotExist

    try:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field("user")
    except (LookupError, FieldDoesNotExist):
        return False
    return bool(
        field.is_relation
        and field.related_model
        and field.related_model._meta.label_lower == settings.AUTH_USER_MODEL.lower()
    )


def sync_role_permissions(apps, using: str = "default") -> None:
    """Create the role groups and give each exactly its permissions.

    Takes an app registry so that a data migration (historical models) and the
    post_migrate hook (new models added by later migrations) share one rule.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = Group.objects.db_manager(using)

    groups = {name: db.get_or_create(name=name)[0] for name in ALL_ROLES}
    perms = Permission.objects.db_manager(using)

    admin_access = perms.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    content_types = [
        content_type
        for content_type in ContentType.objects.db_manager(using).filter(
            app_label__in=CONTENT_APPS
        )
        if content_type.model not in CONTENT_MODELS_EXCLUDED
        and not is_learner_record(apps, content_type.app_label, content_type.model)
    ]
    content_perms = perms.filter(content_type__in=content_types)

    trainer_perms = set(admin_access) | set(content_perms)
    supervisor_perms = set(admin_access) | set(
        content_perms.filter(codename__startswith="view_").exclude(
            content_type__in=[
                ct
                for ct in content_types
                if (ct.app_label, ct.model) in SUPERVISOR_HIDDEN_MODELS
            ]
        )
    )
    for app_label, codename in SUPERVISOR_EXTRA_PERMISSIONS:
        supervisor_perms |= set(
            perms.filter(content_type__app_label=app_label, codename=codename)
        )

    forbidden = set()
    for app_label, codename in FORBIDDEN_PERMISSIONS:
        forbidden |= set(
            perms.filter(content_type__app_label=app_label, codename=codename)
        )
    groups[TRAINERS].permissions.set(trainer_perms - forbidden)
    groups[SUPERVISORS].permissions.set(supervisor_perms - forbidden)
    groups[LEARNERS].permissions.clear()

    _grant_collection_permissions(apps, using, groups[TRAINERS], perms)
    _grant_learning_page_permissions(apps, using, groups[TRAINERS], perms)


def _grant_collection_permissions(apps, using, group, perms) -> None:
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    root = Collection.objects.db_manager(using).filter(depth=1).first()
    if root is None:
        return
    for app_label, model, actions in TRAINER_COLLECTION_PERMISSIONS:
        for action in actions:
            permission = perms.filter(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            ).first()
            if permission is not None:
                GroupCollectionPermission.objects.db_manager(using).get_or_create(
                    group=group, collection=root, permission=permission
                )


def _grant_learning_page_permissions(apps, using, group, perms) -> None:
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    home = (
        Page.objects.db_manager(using)
        .filter(
            content_type__app_label="lessons",
            content_type__model="learninghomepage",
        )
        .first()
    )
    if home is None:
        return
    for codename in TRAINER_PAGE_PERMISSIONS:
        permission = perms.filter(
            content_type__app_label="wagtailcore", codename=codename
        ).first()
        if permission is not None:
            GroupPagePermission.objects.db_manager(using).get_or_create(
                group=group, page=home, permission=permission
            )
