"""The at-risk list's 督学提醒: overdue workers in scope only, other units 404."""

import pytest
from django.urls import reverse

from dashboards.services.stats import stats_rebuild_all
from progress.models import Urge
from tests.dashboards.dataset import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    data = build()
    stats_rebuild_all()
    return data


def test_urge_reaches_the_overdue_at_risk_worker_once(client, data):
    client.force_login(data.people["sup_jiangpu"])
    url = reverse("dashboards:urge", args=[data.units["江浦路街道"].pk])
    assert client.post(url).status_code == 302
    assert list(Urge.objects.values_list("worker_id", flat=True)) == [
        data.people["w2"].pk
    ]
    client.post(url)
    assert Urge.objects.count() == 1


def test_urge_for_another_street_is_404_and_urges_nobody(client, data):
    client.force_login(data.people["sup_jiangpu"])
    url = reverse("dashboards:urge", args=[data.units["平凉路街道"].pk])
    assert client.post(url).status_code == 404
    assert not Urge.objects.exists()
