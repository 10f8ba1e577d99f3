"""seed_demo builds the Yangpu demo, idempotently; demo_logins lists its accounts."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from cms import demo
from cms.models import OrgUnit, Profile
from cms.roles import is_learner, is_supervisor, is_trainer
from cms.scoping import org_units_for, people_for

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def no_extensions(monkeypatch):
    from cms.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "EXTENSIONS", ())


def seed_counts():
    return (
        OrgUnit.objects.count(),
        User.objects.count(),
        Profile.objects.count(),
        User.groups.through.objects.count(),
    )


def test_seed_demo_builds_the_yangpu_tree(no_extensions):
    call_command("seed_demo", stdout=io.StringIO())
    district = OrgUnit.objects.get(code="yangpu")
    streets = set(district.get_children().values_list("name", flat=True))
    assert streets == {
        "江浦路街道",
        "五角场街道",
        "平凉路街道",
        "大桥街道",
        "新江湾城街道",
    }
    assert OrgUnit.objects.get(name="五环居民区").get_parent().name == "江浦路街道"
    assert OrgUnit.objects.get(name="明丰苑").get_parent().name == "大桥街道"
    assert OrgUnit.objects.get(name="明园大楼").get_parent().name == "平凉路街道"


def test_seed_demo_twice_gives_the_same_rows(no_extensions):
    call_command("seed_demo", stdout=io.StringIO())
    first = seed_counts()
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo", stdout=io.StringIO())
    assert seed_counts() == first
    # Passwords are not re-hashed when they still match.
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_seed_demo_people_and_roles(no_extensions):
    call_command("seed_demo", stdout=io.StringIO())
    learners = [u for u in User.objects.all() if is_learner(u)]
    assert 35 <= len(learners) <= 45
    assert sum(is_supervisor(u) for u in User.objects.all()) == 6
    assert sum(is_trainer(u) for u in User.objects.all()) == 2
    assert User.objects.get(username="admin").is_superuser


def test_every_demo_login_works(no_extensions, rf):
    call_command("seed_demo", stdout=io.StringIO())
    for login in demo.DEMO_LOGINS:
        user = authenticate(
            rf.post("/accounts/login/"),
            username=login.username,
            password=login.password,
        )
        assert user is not None, login.username
        assert user.profile.org_unit.code == login.scope


def test_street_supervisor_scope_in_the_demo(no_extensions):
    call_command("seed_demo", stdout=io.StringIO())
    boss = User.objects.get(username="sup_jiangpu")
    assert set(org_units_for(boss).values_list("name", flat=True)) == {
        "江浦路街道",
        "五环居民区",
        "打虎山路第一居民区",
        "凤南一村居民区",
    }
    workers = people_for(boss).filter(groups__name="Learners")
    assert workers.count() == 9
    assert not workers.exclude(
        profile__org_unit__path__startswith=boss.profile.org_unit.path
    ).exists()


def test_demo_fixes_a_changed_demo_password(no_extensions):
    call_command("seed_demo", stdout=io.StringIO())
    user = User.objects.get(username="worker01")
    user.set_password("something-else-1")
    user.save()
    call_command("seed_demo", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.check_password(demo.DEMO_PASSWORD)


def test_seed_demo_runs_app_extensions_after_the_organisation(monkeypatch):
    from cms.management.commands import seed_demo
    from tests.cms import demo_extension

    demo_extension.calls.clear()
    monkeypatch.setattr(
        seed_demo, "EXTENSIONS", ("tests.cms.demo_extension", "no_such_app.demo")
    )
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert demo_extension.calls == [True]
    assert "extension seeded" in out.getvalue()


def test_demo_logins_lists_every_account_with_its_password():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(demo.DEMO_LOGINS) + 1
    for login in demo.DEMO_LOGINS:
        assert any(
            line.split()[:3] == [login.role, login.username, login.password]
            for line in lines
        ), login.username
