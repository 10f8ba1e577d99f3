"""Supervisors export the 学时 ledger of their own subtree only."""

import csv
import io

import pytest
from django.test import Client

from progress.services.ledger import ledger_add
from tests.factories import learner, neighbourhood, street, supervisor

pytestmark = pytest.mark.django_db


def test_a_street_supervisor_exports_only_their_streets_hours():
    from datetime import date

    jiangpu, other = street("江浦路街道"), street("五角场街道")
    mine = learner(org_unit=neighbourhood(parent=jiangpu), username="mine")
    theirs = learner(org_unit=neighbourhood(parent=other), username="theirs")
    day = date(2026, 12, 1)
    ledger_add(user_id=mine.pk, deltas={day: [600, 120, 1]})
    ledger_add(user_id=theirs.pk, deltas={day: [300, 0, 0]})
    client = Client()
    client.force_login(supervisor(org_unit=jiangpu))
    response = client.get("/admin/progress/ledger.csv?start=2026-11-01&end=2026-12-02")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[3] for r in rows[1:]] == ["mine"]
    assert rows[1][4:8] == ["10.0", "2.0", "12.0", "1"]


def test_a_learner_cannot_export():
    client = Client()
    client.force_login(learner())
    response = client.get("/admin/progress/ledger.csv")
    assert response.status_code in (302, 403)
