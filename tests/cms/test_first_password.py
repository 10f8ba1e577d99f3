"""A first password from the import must be changed at the first sign-in."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.importing import read_people_file
from cms.models import Profile
from cms.services.people import people_import
from tests.factories import district, learner, street

pytestmark = pytest.mark.django_db
User = get_user_model()

FIRST = "Yangpu-2026!"
CHOSEN = "my-own-Secret-77"


@pytest.fixture
def imported(tmp_path):
    street("江浦路街道", parent=district("杨浦区"), code="jiangpu")
    path = tmp_path / "people.csv"
    path.write_text(
        f"姓名,手机号,组织编码,岗位,初始密码\n王丽,13912340001,jiangpu,社工,{FIRST}\n",
        encoding="utf-8",
    )
    people_import(rows=read_people_file(path))
    return User.objects.get(username="13912340001")


def sign_in(client, username, password):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}
    )


def test_the_import_marks_a_first_password(imported):
    assert imported.profile.must_change_password


def test_after_signing_in_every_page_leads_to_the_password_change(client, imported):
    sign_in(client, imported.username, FIRST)

    for url in ("/", "/courses/", reverse("accounts:account")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("accounts:password_change"), url
    form = client.get(reverse("accounts:password_change"))
    assert form.status_code == 200
    assert "初始密码" in form.content.decode()


def test_the_api_refuses_until_the_password_is_changed(client, imported):
    sign_in(client, imported.username, FIRST)

    response = client.post("/api/lessons/1/decisions", "{}", "application/json")

    assert response.status_code == 403
    assert response.json() == {"detail": "请先修改初始密码"}


def test_changing_the_password_ends_the_redirects(client, imported):
    sign_in(client, imported.username, FIRST)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": FIRST, "new_password1": CHOSEN, "new_password2": CHOSEN},
    )

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert not Profile.objects.get(user=imported).must_change_password


def test_signing_out_stays_possible(client, imported):
    sign_in(client, imported.username, FIRST)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_person_without_an_imported_password_is_not_redirected(client):
    worker = learner()
    client.force_login(worker)

    assert client.get("/").status_code == 200
