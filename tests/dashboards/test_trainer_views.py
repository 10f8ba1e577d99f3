"""The trainers' pages: who may open them, no names, exports, bounded queries."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from progress.models import LessonProgress
from tests.dashboards.trainer_dataset import WORKER_NAMES, build
from tests.factories import learner
from tests.lessons.factories import LessonPageFactory, Script, option, video_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build()


def lessons_url():
    return reverse("dashboards:trainer_lessons")


def lesson_url(lesson):
    return reverse("dashboards:trainer_lesson", args=[lesson.pk])


def all_urls(data):
    l1 = data.lessons["l1"]
    return [
        lessons_url(),
        f"{lessons_url()}?export=xlsx&table=funnel",
        f"{lessons_url()}?export=csv&table=instructor_types",
        lesson_url(l1),
        f"{lesson_url(l1)}?export=csv&table=decision1",
        f"{lesson_url(l1)}?export=xlsx&table=video1",
    ]


@pytest.mark.parametrize("who", ["trainer", "sup_jiangpu", "admin"])
def test_trainers_supervisors_and_superusers_open_every_page(client, data, who):
    client.force_login(data.people[who])
    for url in all_urls(data):
        assert client.get(url).status_code == 200, url


def test_a_learner_is_sent_to_the_admin_login_for_every_page_and_export(client, data):
    # Wagtail's own rule for users without admin access: never the page itself.
    client.force_login(data.people["wang"])
    for url in all_urls(data):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login")), url


def test_admin_access_without_a_trainer_or_supervisor_role_is_404(client, data):
    from django.contrib.auth.models import Permission

    wang = data.people["wang"]
    wang.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(wang)
    for url in all_urls(data):
        assert client.get(url).status_code == 404, url


def test_a_lesson_that_is_not_live_is_404(client, data):
    lesson = data.lessons["l3"]
    lesson.unpublish()
    client.force_login(data.people["trainer"])
    assert client.get(lesson_url(lesson)).status_code == 404


@pytest.mark.parametrize("who", ["trainer", "sup_district", "admin"])
def test_no_page_or_export_names_a_worker(client, data, who):
    client.force_login(data.people[who])
    urls = all_urls(data) + [
        f"{lesson_url(data.lessons['l1'])}?export=csv&table={t}"
        for t in ("funnel", "quizzes", "video1")
    ]
    for url in urls:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        if "xlsx" in url:
            book = openpyxl.load_workbook(io.BytesIO(body))
            body = "\n".join(
                str(v) for row in book.active.iter_rows(values_only=True) for v in row
            ).encode()
        text = body.decode("utf-8")
        for name in WORKER_NAMES:
            assert name not in text, (url, name)
        # The figures are there, only the names are not.
        assert response.status_code == 200 and any(c.isdigit() for c in text), url


def test_the_lesson_page_shows_funnel_retention_decisions_and_item_analysis_link(
    client, data
):
    client.force_login(data.people["trainer"])
    html = client.get(lesson_url(data.lessons["l1"])).content.decode()
    for key in ("funnel", "video1", "decision1", "quizzes"):
        assert f'data-table="{key}"' in html
    assert html.count('<svg class="dash-chart"') == 3
    analysis = reverse("quizzes_admin:item_analysis", args=[data.quizzes["lesson"].pk])
    assert f'href="{analysis}"' in html


def test_a_supervisor_gets_no_item_analysis_link(client, data):
    client.force_login(data.people["sup_district"])
    html = client.get(lesson_url(data.lessons["l1"])).content.decode()
    analysis = reverse("quizzes_admin:item_analysis", args=[data.quizzes["lesson"].pk])
    assert analysis not in html


def test_a_lesson_with_no_viewers_renders_empty_figures(client, data):
    client.force_login(data.people["trainer"])
    response = client.get(lesson_url(data.lessons["l3"]))
    assert response.status_code == 200
    rows = [
        r.split(",") for r in csv_of(client, lesson_url(data.lessons["l3"]), "video1")
    ]
    assert rows[0] == ["时段（每5秒）", "仍在观看", "占观看人数"]
    assert [r[1:] for r in rows[1:]] == [["0", ""]] * 6


def filename(response) -> str:
    from urllib.parse import unquote

    header = response["Content-Disposition"]
    return unquote(header.split("filename*=utf-8''")[-1]) if "*=" in header else header


def test_a_supervisors_export_is_named_after_their_unit(client, data):
    client.force_login(data.people["sup_jiangpu"])
    url = lesson_url(data.lessons["l1"])
    response = client.get(f"{url}?export=xlsx&table=funnel")
    assert filename(response).startswith("江浦路街道_楼组自治_学习漏斗_")
    assert filename(response).endswith(".xlsx")


def csv_of(client, url, table):
    response = client.get(f"{url}?export=csv&table={table}")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return text.strip().splitlines()


def test_the_funnel_export_matches_the_table(client, data):
    client.force_login(data.people["trainer"])
    response = client.get(f"{lessons_url()}?export=xlsx&table=funnel")
    assert filename(response).startswith("全部社工_各微课学习漏斗_")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "微课",
        "课程",
        "打开",
        "视频看过一半",
        "完成",
        "完成率（占打开）",
        "通过测验",
    )
    by_lesson = {r[0]: r for r in rows[1:]}
    assert by_lesson["楼组自治"][2:7] == (4, 3, 2, 50.0, 2)
    assert by_lesson["睦邻门"][2] == 0


def test_the_decision_export_keeps_first_choices_and_rechoices_apart(client, data):
    client.force_login(data.people["trainer"])
    rows = list(csv.reader(csv_of(client, lesson_url(data.lessons["l1"]), "decision1")))
    assert rows[0] == [
        "选项",
        "评价",
        "第一次选择（人）",
        "第一次选择占比",
        "改选（次）",
    ]
    assert [r[2] for r in rows[1:]] == ["2", "1", "0"]
    assert [r[4] for r in rows[1:]] == ["1", "1", "1"]


def test_small_n_is_flagged_beside_the_figure(client, data):
    client.force_login(data.people["trainer"])
    rows = list(csv.reader(csv_of(client, lessons_url(), "funnel")))
    notes = {r[0]: r[-1] for r in rows[1:]}
    assert "不足10人" in notes["楼组自治"]


def test_ten_workers_behind_a_figure_carry_no_small_n_flag(client, data):
    lesson = data.lessons["l3"]
    for _ in range(10):
        LessonProgress.objects.create(user=learner(), lesson=lesson)
    client.force_login(data.people["trainer"])
    rows = list(csv.reader(csv_of(client, lessons_url(), "funnel")))
    notes = {r[0]: r[-1] for r in rows[1:]}
    assert notes["睦邻门"] == "" and "不足10人" in notes["电梯加装调解"]


def more_lessons(count):
    for n in range(count):
        LessonPageFactory(
            title=f"加课{n}",
            script=Script()
            .video(video_row(duration=15))
            .decision("怎么办？", [option("开会"), option("等等")])
            .build(),
        )


@pytest.mark.parametrize("extra", [0, 6])
def test_the_lessons_page_runs_a_bounded_number_of_queries(
    client, data, django_assert_max_num_queries, extra
):
    more_lessons(extra)
    client.force_login(data.people["trainer"])
    with django_assert_max_num_queries(30):
        assert client.get(lessons_url()).status_code == 200


@pytest.mark.parametrize("extra", [0, 6])
def test_the_lesson_page_runs_a_bounded_number_of_queries(
    client, data, django_assert_max_num_queries, extra
):
    more_lessons(extra)
    client.force_login(data.people["trainer"])
    with django_assert_max_num_queries(30):
        assert client.get(lesson_url(data.lessons["l1"])).status_code == 200


@pytest.mark.parametrize("who", ["trainer", "sup_jiangpu", "admin"])
def test_the_admin_menu_offers_lesson_analytics(client, data, who):
    client.force_login(data.people[who])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert lessons_url() in html
