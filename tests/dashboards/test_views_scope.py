"""Every learning-data URL against every role: out of scope answers the same 404."""

import pytest
from django.urls import reverse

from cms.models import OrgUnit
from dashboards.services.stats import stats_rebuild_all
from tests.factories import (
    district,
    learner,
    neighbourhood,
    street,
    superuser,
    supervisor,
    trainer,
)

pytestmark = pytest.mark.django_db
MISSING = 987_654


def fresh(unit):
    return OrgUnit.objects.get(pk=unit.pk)


@pytest.fixture
def org():
    root = district("杨浦区")
    jiangpu = street("江浦路街道", parent=root)
    pingliang = street("平凉路街道", parent=fresh(root))
    wuhuan = neighbourhood("五环居民区", parent=fresh(jiangpu))
    mingyuan = neighbourhood("明园大楼", parent=fresh(pingliang))
    units = {
        k: fresh(u)
        for k, u in dict(
            district=root,
            jiangpu=jiangpu,
            pingliang=pingliang,
            wuhuan=wuhuan,
            mingyuan=mingyuan,
        ).items()
    }
    people = dict(
        wang=learner(org_unit=units["wuhuan"], first_name="王丽华"),
        chen=learner(org_unit=units["mingyuan"], first_name="陈静"),
        sup_jiangpu=supervisor(org_unit=units["jiangpu"]),
        sup_district=supervisor(org_unit=units["district"]),
        trainer=trainer(org_unit=units["district"]),
        admin=superuser(),
    )
    stats_rebuild_all()
    return units, people


def urls(units, people):
    """Every people-data URL, for the Pingliang side of the district."""
    other = units["pingliang"].pk
    base = [
        reverse("dashboards:unit", args=[other]),
        reverse("dashboards:unit", args=[units["mingyuan"].pk]),
        reverse("dashboards:worker", args=[people["chen"].pk]),
    ]
    exports = [
        f"{url}?export={fmt}&table={table}"
        for url in base[:2]
        for fmt in ("xlsx", "csv")
        for table in ("children", "trend", "courses", "lessons", "at_risk")
    ] + [f"{base[2]}?export=xlsx&table=weeks"]
    return base + exports


def test_street_supervisor_gets_404_for_other_street_units_workers_and_exports(
    client, org
):
    units, people = org
    client.force_login(people["sup_jiangpu"])
    for url in urls(units, people):
        assert client.get(url).status_code == 404, url


def test_out_of_scope_ids_answer_like_missing_ids(client, org):
    units, people = org
    client.force_login(people["sup_jiangpu"])
    missing = client.get(reverse("dashboards:unit", args=[MISSING]))
    hidden = client.get(reverse("dashboards:unit", args=[units["pingliang"].pk]))
    assert missing.status_code == hidden.status_code == 404
    assert missing.content == hidden.content
    missing = client.get(reverse("dashboards:worker", args=[MISSING]))
    hidden = client.get(reverse("dashboards:worker", args=[people["chen"].pk]))
    assert missing.content == hidden.content


def test_street_supervisor_home_is_their_street_and_drills_to_their_worker(client, org):
    units, people = org
    client.force_login(people["sup_jiangpu"])
    home = client.get(reverse("dashboards:home"))
    assert home.status_code == 200
    body = home.content.decode()
    assert "江浦路街道" in body and "五环居民区" in body
    assert "平凉路街道" not in body and "明园大楼" not in body
    page = client.get(reverse("dashboards:unit", args=[units["wuhuan"].pk]))
    assert "王丽华" in page.content.decode()
    worker = client.get(reverse("dashboards:worker", args=[people["wang"].pk]))
    assert worker.status_code == 200


def test_district_supervisor_and_superuser_see_every_street(client, org):
    units, people = org
    for who in ("sup_district", "admin"):
        client.force_login(people[who])
        body = client.get(reverse("dashboards:home")).content.decode()
        assert "江浦路街道" in body and "平凉路街道" in body, who
        assert (
            client.get(
                reverse("dashboards:worker", args=[people["chen"].pk])
            ).status_code
            == 200
        )


def test_learners_and_trainers_get_no_individual_data(client, org):
    units, people = org
    for who in ("wang", "trainer"):
        client.force_login(people[who])
        for url in [
            reverse("dashboards:home"),
            reverse("dashboards:unit", args=[units["wuhuan"].pk]),
            reverse("dashboards:worker", args=[people["wang"].pk]),
            reverse("dashboards:unit", args=[units["wuhuan"].pk])
            + "?export=csv&table=children",
        ]:
            response = client.get(url)
            assert response.status_code in (302, 404), (who, url)
            assert "王丽华" not in response.content.decode()


def test_edited_filters_cannot_widen_the_scope(client, org):
    units, people = org
    client.force_login(people["sup_jiangpu"])
    url = reverse("dashboards:unit", args=[units["jiangpu"].pk])
    for query in (
        f"?unit={units['pingliang'].pk}",
        f"?org_unit={units['district'].pk}",
        "?start=x&end=y&sort=__class__",
        "?export=xlsx&table=../../etc",
    ):
        response = client.get(url + query)
        assert response.status_code in (200, 404)
        assert "明园大楼" not in response.content.decode(errors="ignore")
        assert "陈静" not in response.content.decode(errors="ignore")
