"""/api/docs and its OpenAPI schema are for staff, with Swagger UI from our files."""

import pytest

from tests.factories import learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("docs_admin", password="x")


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_anonymous_is_sent_to_the_admin_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_a_learner_gets_not_found(client, url):
    client.force_login(learner())

    assert client.get(url).status_code == 404


def test_staff_see_the_docs_with_swagger_ui_from_our_static_files(client, staff):
    client.force_login(staff)

    response = client.get("/api/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert '/static/ninja/swagger-ui-bundle.js"' in html
    assert "cdn" not in html.lower()


def test_staff_get_the_openapi_schema(client, staff):
    client.force_login(staff)

    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert "/api/lessons/{lesson_id}/decisions" in response.json()["paths"]
