"""The people and org-unit admin screens, every URL against every role.

The supervisor of 江浦路街道 sees its neighbourhoods and workers; everything
else answers 404, exactly as an id that does not exist.
"""

import csv
import io

import pytest
from django.urls import reverse

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
MISSING = 987_654


@pytest.fixture
def yangpu():
    root = district("杨浦区")
    jiangpu = street("江浦路街道", parent=root)
    pingliang = street("平凉路街道", parent=root)
    wuhuan = neighbourhood("五环居民区", parent=jiangpu)
    dahushan = neighbourhood("打虎山路第一居民区", parent=jiangpu)
    mingyuan = neighbourhood("明园大楼", parent=pingliang)
    units = {
        "district": root,
        "jiangpu": jiangpu,
        "pingliang": pingliang,
        "wuhuan": wuhuan,
        "dahushan": dahushan,
        "mingyuan": mingyuan,
    }
    units = reloaded(units)
    people = {
        "wang": learner(org_unit=units["wuhuan"], first_name="王丽华", last_name=""),
        "li": learner(org_unit=units["dahushan"], first_name="李建国", last_name=""),
        "chen": learner(org_unit=units["mingyuan"], first_name="陈静", last_name=""),
        "sup_jiangpu": supervisor(
            org_unit=units["jiangpu"], first_name="钱卫东", last_name=""
        ),
        "sup_district": supervisor(
            org_unit=units["district"], first_name="蒋文华", last_name=""
        ),
        "trainer": trainer(org_unit=units["district"]),
        "admin": superuser(),
    }
    return units, people


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def org_units_url(parent=None):
    url = reverse("org_units:index")
    return f"{url}?parent={parent}" if parent is not None else url


def people_url(org_unit=None, **params):
    url = reverse("people:index")
    query = {"org_unit": org_unit, **params} if org_unit is not None else params
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def person_url(pk):
    return reverse("people:inspect", args=[pk])


def admin_urls(units, people):
    """Every URL these screens add, with an in-scope id for 江浦路街道."""
    return [
        org_units_url(),
        org_units_url(units["jiangpu"].pk),
        reverse("org_units:index_results") + f"?parent={units['jiangpu'].pk}",
        people_url(),
        people_url(units["wuhuan"].pk),
        reverse("people:index_results") + "?q=王",
        people_url(export="csv"),
        person_url(people["wang"].pk),
    ]


# --- every URL against roles that must not get in -------------------------------


def test_anonymous_is_sent_to_login_on_every_url(client, yangpu):
    units, people = yangpu
    for url in admin_urls(units, people):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response.url, url


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_learners_and_trainers_see_no_people_screen(client, yangpu, role):
    units, people = yangpu
    user = people["wang"] if role == "learner" else people["trainer"]
    client.force_login(user)
    for url in admin_urls(units, people):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert "王丽华" not in response.content.decode(), url


# --- the 江浦路街道 supervisor ----------------------------------------------------


def test_street_supervisor_gets_200_on_every_in_scope_url(client, yangpu):
    units, people = yangpu
    client.force_login(people["sup_jiangpu"])
    for url in admin_urls(units, people):
        assert client.get(url).status_code == 200, url


def test_street_supervisor_top_level_is_own_street(client, yangpu):
    units, people = yangpu
    html = get(client, people["sup_jiangpu"], org_units_url()).content.decode()
    assert "江浦路街道" in html
    assert "平凉路街道" not in html
    assert "杨浦区" not in html


def test_street_supervisor_drills_down_to_own_neighbourhoods(client, yangpu):
    units, people = yangpu
    url = org_units_url(units["jiangpu"].pk)
    html = get(client, people["sup_jiangpu"], url).content.decode()
    assert "五环居民区" in html
    assert "打虎山路第一居民区" in html
    assert "明园大楼" not in html


def test_street_supervisor_people_list_is_own_subtree(client, yangpu):
    units, people = yangpu
    html = get(client, people["sup_jiangpu"], people_url()).content.decode()
    assert "王丽华" in html
    assert "李建国" in html
    assert "陈静" not in html
    assert "蒋文华" not in html  # the district supervisor sits above 江浦路街道


def test_people_list_filtered_to_one_neighbourhood(client, yangpu):
    units, people = yangpu
    url = people_url(units["wuhuan"].pk)
    html = get(client, people["sup_jiangpu"], url).content.decode()
    assert "王丽华" in html
    assert "李建国" not in html


def test_person_detail_shows_the_person(client, yangpu):
    units, people = yangpu
    url = person_url(people["wang"].pk)
    html = get(client, people["sup_jiangpu"], url).content.decode()
    assert "王丽华" in html
    assert people["wang"].profile.phone in html
    assert "江浦路街道 › 五环居民区" in html


def test_people_list_filters_by_position(client, yangpu):
    units, people = yangpu
    wang = people["wang"].profile
    wang.position = "party_secretary"
    wang.save()
    url = people_url(position="party_secretary")
    html = get(client, people["sup_jiangpu"], url).content.decode()
    assert "王丽华" in html
    assert "李建国" not in html


def test_export_contains_only_people_in_scope(client, yangpu):
    units, people = yangpu
    response = get(client, people["sup_jiangpu"], people_url(export="csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    names = {row[0] for row in csv.reader(io.StringIO(body))}
    assert {"王丽华", "李建国"} <= names
    assert "陈静" not in names


def test_search_cannot_reach_people_out_of_scope(client, yangpu):
    units, people = yangpu
    url = reverse("people:index_results") + "?q=陈"
    html = get(client, people["sup_jiangpu"], url).content.decode()
    assert "陈静" not in html


@pytest.mark.parametrize(
    "make_url",
    [
        lambda u, p: person_url(p["chen"].pk),
        lambda u, p: person_url(p["sup_district"].pk),
        lambda u, p: person_url(p["admin"].pk),
        lambda u, p: org_units_url(u["pingliang"].pk),
        lambda u, p: org_units_url(u["district"].pk),
        lambda u, p: reverse("org_units:index_results") + f"?parent={u['mingyuan'].pk}",
        lambda u, p: people_url(u["mingyuan"].pk),
        lambda u, p: people_url(u["district"].pk),
        lambda u, p: people_url(u["pingliang"].pk, export="csv"),
        lambda u, p: reverse("people:index_results") + f"?org_unit={u['mingyuan'].pk}",
    ],
    ids=[
        "person-other-street",
        "person-above",
        "person-superuser",
        "unit-other-street",
        "unit-parent",
        "results-other-street",
        "people-other-street",
        "people-district",
        "export-other-street",
        "people-results-other-street",
    ],
)
def test_street_supervisor_gets_404_out_of_scope(client, yangpu, make_url):
    units, people = yangpu
    response = get(client, people["sup_jiangpu"], make_url(units, people))
    assert response.status_code == 404


def test_guessed_ids_answer_like_missing_ones(client, yangpu):
    """Walk every id around the real ones: in scope or 404, never anything else."""
    units, people = yangpu
    client.force_login(people["sup_jiangpu"])
    in_scope = {people["wang"].pk, people["li"].pk, people["sup_jiangpu"].pk}
    top = max(p.pk for p in people.values()) + 3
    missing = client.get(person_url(MISSING))
    for pk in range(1, top):
        response = client.get(person_url(pk))
        if pk in in_scope:
            assert response.status_code == 200, pk
        else:
            assert response.status_code == 404, pk
            body = response.content.decode().replace(person_url(pk), "<url>")
            assert body == missing.content.decode().replace(
                person_url(MISSING), "<url>"
            )


def test_non_numeric_ids_are_404(client, yangpu):
    units, people = yangpu
    client.force_login(people["sup_jiangpu"])
    assert client.get(org_units_url("abc")).status_code == 404
    assert client.get(people_url("1%20OR%201=1")).status_code == 404


# --- wider scopes ---------------------------------------------------------------


def test_district_supervisor_sees_every_street(client, yangpu):
    units, people = yangpu
    client.force_login(people["sup_district"])
    assert client.get(person_url(people["chen"].pk)).status_code == 200
    html = client.get(org_units_url(units["district"].pk)).content.decode()
    assert "江浦路街道" in html
    assert "平凉路街道" in html


def test_superuser_sees_everyone(client, yangpu):
    units, people = yangpu
    client.force_login(people["admin"])
    for url in admin_urls(units, people):
        assert client.get(url).status_code == 200, url
    assert client.get(person_url(people["chen"].pk)).status_code == 200


def test_superuser_without_profile_detail_is_404_not_500(client, yangpu):
    units, people = yangpu
    client.force_login(people["admin"])
    assert client.get(person_url(people["admin"].pk)).status_code == 404


# --- no write endpoints ---------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["new/", "edit/{pk}/", "delete/{pk}/", "history/{pk}/", "usage/{pk}/"]
)
@pytest.mark.parametrize("prefix", ["/admin/people/", "/admin/org-units/"])
def test_no_write_or_secondary_endpoints_exist(client, yangpu, prefix, path):
    units, people = yangpu
    client.force_login(people["admin"])
    url = prefix + path.format(pk=people["wang"].pk)
    assert client.get(url).status_code == 404


def test_menu_shows_people_to_supervisors_not_trainers(client, yangpu):
    units, people = yangpu
    assert (
        reverse("people:index")
        in get(client, people["sup_jiangpu"], "/admin/").content.decode()
    )
    client.logout()
    assert (
        reverse("people:index")
        not in get(client, people["trainer"], "/admin/").content.decode()
    )


def test_supervisor_dashboard_shows_their_scope(client, yangpu):
    units, people = yangpu
    html = get(client, people["sup_jiangpu"], "/admin/").content.decode()
    assert 'id="supervisor-scope' in html
    # Her street, its two neighbourhoods, and two workers (not counting her).
    assert "江浦路街道：3 个组织单元，2 人" in html


def test_trainer_dashboard_has_no_scope_panel(client, yangpu):
    units, people = yangpu
    html = get(client, people["trainer"], "/admin/").content.decode()
    assert "supervisor-scope" not in html


def _queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["people:index", "org_units:index"])
def test_listing_queries_do_not_grow_with_rows(client, yangpu, url_name):
    units, people = yangpu
    client.force_login(people["sup_district"])
    url = reverse(url_name)
    if url_name == "org_units:index":
        url += f"?parent={units['district'].pk}"
    before = _queries_for(client, url)
    for _ in range(15):
        learner(org_unit=units["wuhuan"])
    street("大桥街道", parent=units["district"])
    assert _queries_for(client, url) == before
