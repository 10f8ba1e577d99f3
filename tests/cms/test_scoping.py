"""The one scoping module: who sees which org units and people."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cms.scoping import (
    get_org_unit_or_404,
    get_person_or_404,
    org_units_for,
    people_for,
)
from tests.factories import (
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


@pytest.fixture
def yangpu():
    """杨浦区 > 江浦路街道 (五环居民区, 明园大楼) and 五角场街道 (明丰苑)."""
    root = district("杨浦区")
    jiangpu = street("江浦路街道", parent=root)
    wujiaochang = street("五角场街道", parent=root)
    tree = {
        "district": root,
        "jiangpu": jiangpu,
        "wujiaochang": wujiaochang,
        "wuhuan": neighbourhood("五环居民区", parent=jiangpu),
        "mingyuan": neighbourhood("明园大楼", parent=jiangpu),
        "mingfeng": neighbourhood("明丰苑", parent=wujiaochang),
    }
    return reloaded(tree)


def test_street_supervisor_sees_own_street_and_its_neighbourhoods(yangpu):
    boss = supervisor(org_unit=yangpu["jiangpu"])
    names = set(org_units_for(boss).values_list("name", flat=True))
    assert names == {"江浦路街道", "五环居民区", "明园大楼"}


def test_street_supervisor_sees_workers_of_own_subtree_only(yangpu):
    boss = supervisor(org_unit=yangpu["jiangpu"])
    mine = learner(org_unit=yangpu["wuhuan"])
    also_mine = learner(org_unit=yangpu["mingyuan"])
    other = learner(org_unit=yangpu["mingfeng"])
    visible = set(people_for(boss))
    assert {mine, also_mine, boss} <= visible
    assert other not in visible


def test_district_supervisor_sees_every_street(yangpu):
    boss = supervisor(org_unit=yangpu["district"])
    other = learner(org_unit=yangpu["mingfeng"])
    assert org_units_for(boss).count() == 6
    assert other in people_for(boss)


def test_out_of_scope_person_gets_same_404_as_missing(yangpu):
    boss = supervisor(org_unit=yangpu["jiangpu"])
    other = learner(org_unit=yangpu["mingfeng"])
    with pytest.raises(Http404) as out_of_scope:
        get_person_or_404(boss, other.pk)
    with pytest.raises(Http404) as missing:
        get_person_or_404(boss, 999_999)
    assert str(out_of_scope.value) == str(missing.value)


def test_out_of_scope_org_unit_gets_same_404_as_missing(yangpu):
    boss = supervisor(org_unit=yangpu["jiangpu"])
    with pytest.raises(Http404) as out_of_scope:
        get_org_unit_or_404(boss, yangpu["mingfeng"].pk)
    with pytest.raises(Http404) as missing:
        get_org_unit_or_404(boss, 999_999)
    assert str(out_of_scope.value) == str(missing.value)


def test_parent_of_supervised_unit_is_out_of_scope(yangpu):
    boss = supervisor(org_unit=yangpu["jiangpu"])
    with pytest.raises(Http404):
        get_org_unit_or_404(boss, yangpu["district"].pk)


def test_in_scope_lookups_return_the_object(yangpu):
    boss = supervisor(org_unit=yangpu["jiangpu"])
    worker = learner(org_unit=yangpu["wuhuan"])
    assert get_person_or_404(boss, worker.pk) == worker
    assert get_org_unit_or_404(boss, str(yangpu["wuhuan"].pk)) == yangpu["wuhuan"]


def test_non_numeric_id_is_404_not_500(yangpu):
    boss = supervisor(org_unit=yangpu["jiangpu"])
    with pytest.raises(Http404):
        get_person_or_404(boss, "1 OR 1=1")


def test_learner_sees_only_self_and_own_unit(yangpu):
    worker = learner(org_unit=yangpu["wuhuan"])
    colleague = learner(org_unit=yangpu["wuhuan"])
    assert list(people_for(worker)) == [worker]
    assert list(org_units_for(worker)) == [yangpu["wuhuan"]]
    with pytest.raises(Http404):
        get_person_or_404(worker, colleague.pk)


def test_trainer_sees_all_org_units_but_no_other_people(yangpu):
    author = trainer(org_unit=yangpu["wuhuan"])
    worker = learner(org_unit=yangpu["wuhuan"])
    assert org_units_for(author).count() == 6
    assert list(people_for(author)) == [author]
    with pytest.raises(Http404):
        get_person_or_404(author, worker.pk)


def test_superuser_sees_everyone(yangpu):
    admin = superuser()
    worker = learner(org_unit=yangpu["mingfeng"])
    assert org_units_for(admin).count() == 6
    assert get_person_or_404(admin, worker.pk) == worker


def test_anonymous_sees_nothing(yangpu):
    assert not org_units_for(AnonymousUser()).exists()
    assert not people_for(AnonymousUser()).exists()


def test_deactivated_supervisor_sees_nothing(yangpu):
    boss = supervisor(org_unit=yangpu["jiangpu"])
    learner(org_unit=yangpu["wuhuan"])
    boss.is_active = False
    boss.save()
    assert not people_for(boss).exists()
    assert not org_units_for(boss).exists()


def test_supervisor_without_profile_sees_nobody_else(yangpu):
    from django.contrib.auth.models import Group

    from cms.roles import SUPERVISORS
    from tests.factories import UserFactory

    boss = UserFactory()
    boss.groups.add(Group.objects.get(name=SUPERVISORS))
    learner(org_unit=yangpu["wuhuan"])
    assert list(people_for(boss)) == [boss]
    assert not org_units_for(boss).exists()
