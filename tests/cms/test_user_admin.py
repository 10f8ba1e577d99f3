"""Wagtail's own Users admin places a person in the org tree (cms.users_admin).

A supervisor created by hand gets a profile in the same step, so their scope
works at once; learners and supervisors cannot be saved without one.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.models import Profile
from cms.roles import LEARNERS, SUPERVISORS, TRAINERS
from cms.scoping import people_for
from cms.services.profiles import profile_save
from cms.users_admin.forms import PersonCreationForm
from tests.factories import (
    UserFactory,
    district,
    learner,
    neighbourhood,
    reloaded,
    street,
    superuser,
    supervisor,
    trainer,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
ADD_URL = reverse("wagtailusers_users:add")


@pytest.fixture
def units():
    root = district("杨浦区")
    jiangpu = street("江浦路街道", parent=root)
    pingliang = street("平凉路街道", parent=root)
    wuhuan = neighbourhood("五环居民区", parent=jiangpu)
    return reloaded(
        {"district": root, "jiangpu": jiangpu, "pingliang": pingliang, "wuhuan": wuhuan}
    )


@pytest.fixture
def admin_client(client):
    client.force_login(superuser())
    return client


def group_id(name):
    return Group.objects.get(name=name).pk


def user_post(*, username, groups, org_unit=None, phone="", **extra):
    data = {
        "username": username,
        "email": f"{username}@example.org",
        "first_name": "钱卫东",
        "last_name": "钱",
        "password1": "a-long-Password-9981",
        "password2": "a-long-Password-9981",
        "groups": [group_id(name) for name in groups],
        "org_unit": org_unit.pk if org_unit else "",
        "position": Profile.Position.COMMITTEE_DIRECTOR,
        "phone": phone,
        "employee_no": "",
    }
    data.update(extra)
    return data


def shows_field_error(response, field, message):
    """The form marks the field and the page (in the request's language) says why."""
    return (
        response.context["form"].has_error(field)
        and message in response.content.decode()
    )


def test_superuser_creates_supervisor_whose_scope_is_the_street(admin_client, units):
    worker = learner(org_unit=units["wuhuan"])
    outsider = learner(org_unit=units["pingliang"])

    response = admin_client.post(
        ADD_URL,
        user_post(
            username="qian",
            groups=[SUPERVISORS],
            org_unit=units["jiangpu"],
            phone="139 1234 5678",
        ),
    )

    assert response.status_code == 302
    qian = User.objects.get(username="qian")
    assert qian.profile.org_unit == units["jiangpu"]
    assert qian.profile.phone == "13912345678"
    assert qian.profile.position == Profile.Position.COMMITTEE_DIRECTOR
    visible = set(people_for(qian))
    assert worker in visible
    assert outsider not in visible


def test_editing_a_user_moves_their_profile_to_another_org_unit(admin_client, units):
    boss = supervisor(org_unit=units["jiangpu"], username="boss")
    phone = boss.profile.phone

    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[boss.pk]),
        user_post(
            username="boss",
            groups=[SUPERVISORS],
            org_unit=units["pingliang"],
            phone=phone,
            password1="",
            password2="",
            is_active="on",
        ),
    )

    assert response.status_code == 302
    assert Profile.objects.get(pk=boss.pk).org_unit == units["pingliang"]


def test_edit_form_starts_with_the_existing_profile(admin_client, units):
    worker = learner(org_unit=units["wuhuan"])

    response = admin_client.get(reverse("wagtailusers_users:edit", args=[worker.pk]))

    form = response.context["form"]
    assert form["org_unit"].value() == units["wuhuan"].pk
    assert form["phone"].value() == worker.profile.phone


def test_learner_without_org_unit_is_refused_with_message(admin_client, units):
    response = admin_client.post(
        ADD_URL,
        user_post(username="nounit", groups=[LEARNERS], phone="13912345678"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert shows_field_error(response, "org_unit", "学员和督导必须选择组织单元。")
    assert not User.objects.filter(username="nounit").exists()


def test_missing_org_unit_message_is_english_for_english_admins(admin_client, units):
    response = admin_client.post(
        ADD_URL,
        user_post(username="nounit", groups=[SUPERVISORS], phone="13912345678"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert shows_field_error(
        response, "org_unit", "Learners and supervisors must have an org unit."
    )


def test_duplicate_phone_is_refused_and_no_user_is_created(admin_client, units):
    worker = learner(org_unit=units["wuhuan"])

    response = admin_client.post(
        ADD_URL,
        user_post(
            username="twin",
            groups=[LEARNERS],
            org_unit=units["wuhuan"],
            phone=worker.profile.phone,
        ),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert shows_field_error(response, "phone", "该手机号已被其他人员使用。")
    assert not User.objects.filter(username="twin").exists()


def test_trainer_may_be_created_without_a_profile(admin_client, units):
    response = admin_client.post(ADD_URL, user_post(username="t1", groups=[TRAINERS]))

    assert response.status_code == 302
    assert not Profile.objects.filter(user__username="t1").exists()


def test_org_unit_options_are_labelled_with_their_path(units):
    form = PersonCreationForm()

    labels = [label for _value, label in form.fields["org_unit"].choices]

    assert "杨浦区 / 江浦路街道 / 五环居民区" in labels
    assert "杨浦区 / 平凉路街道" in labels


@pytest.mark.parametrize("make", [trainer, supervisor])
def test_trainers_and_supervisors_cannot_reach_user_admin(client, units, make):
    user = make(org_unit=units["jiangpu"])
    client.force_login(user)

    for url in (reverse("wagtailusers_users:index"), ADD_URL):
        assert client.get(url).status_code in (302, 403)


def test_profile_save_creates_then_updates_the_same_profile(units):
    user = UserFactory()

    created = profile_save(
        user=user,
        org_unit=units["jiangpu"],
        position=Profile.Position.SOCIAL_WORKER,
        phone="+86 139-1234-5678",
    )
    updated = profile_save(
        user=user,
        org_unit=units["wuhuan"],
        position=Profile.Position.OTHER,
        phone="13912345678",
        employee_no="YP-7",
    )

    assert created.pk == updated.pk == user.pk
    stored = Profile.objects.get(pk=user.pk)
    assert (stored.org_unit, stored.phone, stored.employee_no) == (
        units["wuhuan"],
        "13912345678",
        "YP-7",
    )


def test_profile_save_rejects_a_phone_used_by_someone_else(units):
    worker = learner(org_unit=units["wuhuan"])

    with pytest.raises(ValidationError):
        profile_save(
            user=UserFactory(),
            org_unit=units["wuhuan"],
            position=Profile.Position.OTHER,
            phone=worker.profile.phone,
        )
