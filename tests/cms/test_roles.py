"""Role groups made by the data migration, and the rights they must never have."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from cms.roles import (
    LEARNERS,
    SUPERVISORS,
    TRAINERS,
    is_learner,
    is_supervisor,
    is_trainer,
)
from lessons.models import LearningHomePage
from tests.factories import learner, neighbourhood, supervisor, trainer

pytestmark = pytest.mark.django_db

USER_ADMIN_CODENAMES = {
    "add_user",
    "change_user",
    "delete_user",
    "add_group",
    "change_group",
    "delete_group",
    "add_permission",
    "change_permission",
    "delete_permission",
}


def test_migration_created_the_three_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        LEARNERS,
        TRAINERS,
        SUPERVISORS,
    }


@pytest.mark.parametrize("role", [TRAINERS, SUPERVISORS, LEARNERS])
def test_no_role_group_holds_user_or_group_admin_rights(role):
    codenames = set(
        Group.objects.get(name=role).permissions.values_list("codename", flat=True)
    )
    assert not codenames & USER_ADMIN_CODENAMES


@pytest.mark.parametrize("make", [trainer, supervisor])
def test_trainer_and_supervisor_users_cannot_add_or_change_users(make):
    user = make(org_unit=neighbourhood())
    for codename in ("auth.add_user", "auth.change_user", "auth.change_group"):
        assert not user.has_perm(codename)


@pytest.mark.parametrize("make", [trainer, supervisor])
def test_wagtail_user_admin_refuses_trainers_and_supervisors(client, make):
    user = make(org_unit=neighbourhood())
    client.force_login(user)
    for url in (
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[user.pk]),
        reverse("wagtailusers_groups:index"),
    ):
        response = client.get(url)
        # Wagtail answers a missing permission by redirecting to the dashboard.
        assert response.status_code == 302, url
        assert response.url == "/admin/", url


def test_trainer_and_supervisor_reach_the_admin_but_learner_does_not():
    assert trainer().has_perm("wagtailadmin.access_admin")
    assert supervisor(org_unit=neighbourhood()).has_perm("wagtailadmin.access_admin")
    assert not learner().has_perm("wagtailadmin.access_admin")


def test_trainer_edits_videos_supervisor_only_views_them():
    author = trainer()
    boss = supervisor(org_unit=neighbourhood())
    assert author.has_perm("media.change_video")
    assert author.has_perm("media.add_video")
    assert not boss.has_perm("media.change_video")
    assert boss.has_perm("media.view_video")


def test_supervisor_views_people_but_cannot_change_them():
    boss = supervisor(org_unit=neighbourhood())
    assert boss.has_perm("cms.view_profile")
    assert not boss.has_perm("cms.change_profile")


def test_trainers_get_page_permissions_on_the_learning_home():
    home = LearningHomePage.objects.get()
    codenames = set(
        GroupPagePermission.objects.filter(group__name=TRAINERS, page=home).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames
    assert not GroupPagePermission.objects.filter(group__name=SUPERVISORS).exists()


def test_trainers_get_collection_permissions_for_images_documents_and_media():
    root = Collection.get_first_root_node()
    granted = set(
        GroupCollectionPermission.objects.filter(
            group__name=TRAINERS, collection=root
        ).values_list("permission__content_type__app_label", "permission__codename")
    )
    assert ("wagtailimages", "add_image") in granted
    assert ("wagtaildocs", "add_document") in granted
    assert ("wagtailmedia", "add_media") in granted


def test_role_helpers_follow_group_membership():
    worker = learner()
    assert is_learner(worker)
    assert not is_trainer(worker)
    assert not is_supervisor(worker)


def test_resyncing_roles_does_not_grant_forbidden_permissions():
    from django.apps import apps

    from cms.roles import sync_role_permissions

    group = Group.objects.get(name=TRAINERS)
    group.permissions.add(Permission.objects.get(codename="change_user"))
    sync_role_permissions(apps)
    assert not group.permissions.filter(codename="change_user").exists()


@pytest.mark.django_db(transaction=True)
def test_roles_survive_a_transactional_test_flush_first():
    # Transactional tests truncate every table afterwards; the post_migrate hook
    # must bring the groups back for the next test.
    assert learner().groups.filter(name=LEARNERS).exists()


@pytest.mark.django_db(transaction=True)
def test_roles_survive_a_transactional_test_flush_second():
    assert Group.objects.filter(name__in=[LEARNERS, TRAINERS, SUPERVISORS]).count() == 3
    assert trainer().has_perm("media.change_video")


def test_learner_records_in_content_apps_get_no_role_permissions():
    """A model-wide view or change right on learners' own rows would bypass scoping."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from cms.roles import CONTENT_APPS, is_learner_record

    records = [
        model
        for app_label in CONTENT_APPS
        for model in apps.get_app_config(app_label).get_models()
        if is_learner_record(apps, app_label, model._meta.model_name)
    ]
    # Today lessons.DecisionChoice; progress and quiz attempts join it later.
    assert records
    for model in records:
        content_type = ContentType.objects.get_for_model(model)
        granted = Permission.objects.filter(
            content_type=content_type, group__name__in=[TRAINERS, SUPERVISORS]
        )
        assert not granted.exists(), model._meta.label


def test_video_is_content_not_a_learner_record():
    from django.apps import apps

    from cms.roles import is_learner_record

    # uploaded_by_user is authorship, not a learner's record.
    assert not is_learner_record(apps, "media", "video")


def test_supervisors_get_no_lesson_materials_menu(client):
    from tests.factories import neighbourhood, supervisor

    boss = supervisor(org_unit=neighbourhood())
    assert not boss.has_perm("lessons.view_topic")
    assert not boss.has_perm("lessons.view_instructor")
    client.force_login(boss)
    assert "微课素材" not in client.get("/admin/").content.decode()
    response = client.get("/admin/snippets/lessons/topic/")
    assert response.status_code in (302, 403)
