"""Selectors behind the org-unit and people admin pages."""

import pytest

from cms.selectors import org_unit_rows, person_rows, visible_ancestry
from tests.factories import (
    district,
    learner,
    neighbourhood,
    reloaded,
    street,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    root = district("杨浦区")
    jiangpu = street("江浦路街道", parent=root)
    pingliang = street("平凉路街道", parent=root)
    wuhuan = neighbourhood("五环居民区", parent=jiangpu)
    mingyuan = neighbourhood("明园大楼", parent=pingliang)
    units = dict(
        root=root,
        jiangpu=jiangpu,
        pingliang=pingliang,
        wuhuan=wuhuan,
        mingyuan=mingyuan,
    )
    return reloaded(units)


def test_top_rows_for_a_street_supervisor_are_their_street(tree):
    boss = supervisor(org_unit=tree["jiangpu"])
    assert [u.name for u in org_unit_rows(viewer=boss)] == ["江浦路街道"]


def test_child_rows_count_people_in_each_subtree(tree):
    boss = supervisor(org_unit=tree["root"])
    learner(org_unit=tree["wuhuan"])
    learner(org_unit=tree["wuhuan"])
    learner(org_unit=tree["mingyuan"])
    counts = {
        u.name: u.people_count for u in org_unit_rows(viewer=boss, parent=tree["root"])
    }
    assert counts == {"江浦路街道": 2, "平凉路街道": 1}


def test_person_rows_limited_to_a_subtree(tree):
    boss = supervisor(org_unit=tree["root"])
    mine = learner(org_unit=tree["wuhuan"])
    learner(org_unit=tree["mingyuan"])
    rows = person_rows(viewer=boss, org_unit=tree["jiangpu"])
    assert [p.user for p in rows] == [mine]


def test_ancestry_stops_at_the_viewers_scope(tree):
    boss = supervisor(org_unit=tree["jiangpu"])
    chain = visible_ancestry(viewer=boss, unit=tree["wuhuan"])
    assert [u.name for u in chain] == ["江浦路街道", "五环居民区"]


def test_scope_summary_counts_a_supervisors_subtree(tree):
    from cms.selectors import supervisor_scope_summary

    boss = supervisor(org_unit=tree["jiangpu"])
    learner(org_unit=tree["wuhuan"])
    learner(org_unit=tree["mingyuan"])
    summary = supervisor_scope_summary(viewer=boss)
    assert (summary.root, summary.unit_count, summary.people_count) == (
        tree["jiangpu"],
        2,
        1,  # the worker in 五环居民区; a supervisor is not her own worker
    )


def test_scope_summary_is_none_for_a_learner(tree):
    from cms.selectors import supervisor_scope_summary

    assert supervisor_scope_summary(viewer=learner(org_unit=tree["wuhuan"])) is None
