import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.models import Question
from quizzes.services import attempt_start, attempt_submit
from tests.factories import learner, supervisor, trainer
from tests.quizzes.factories import question, quiz_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = quiz_with(question("第一题"), question("第二题"))
    worker = learner()
    attempt_submit(user=worker, attempt_id=attempt_start(user=worker, quiz=quiz).pk)
    return quiz


def test_trainer_sees_the_item_analysis_report(client, quiz):
    client.force_login(trainer())
    response = client.get(f"/admin/quizzes/quiz/{quiz.pk}/analysis/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "第一题" in body and "只有 1 次作答" in body


def test_the_report_export_is_the_raw_response_matrix(client, quiz):
    client.force_login(trainer())
    response = client.get(f"/admin/quizzes/quiz/{quiz.pk}/analysis/?export=csv")
    assert response.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    assert rows[0][:3] == ["worker_id", "attempt", "submitted_at"]
    assert len(rows) == 2


def test_a_supervisor_cannot_open_the_report(client, quiz):
    worker = learner()
    client.force_login(supervisor(org_unit=worker.profile.org_unit))
    assert client.get(f"/admin/quizzes/quiz/{quiz.pk}/analysis/").status_code in (
        302,
        403,
    )


def test_admin_upload_lists_every_bad_row_and_imports_nothing(client):
    client.force_login(trainer())
    data = "题型,题干,选项A,选项B,正确答案\n单选,好题,甲,乙,A\n填空,坏题,甲,乙,A\n单选,坏答案,甲,乙,Z\n"  # noqa: E501
    upload = SimpleUploadedFile("q.csv", data.encode("utf-8"), content_type="text/csv")
    response = client.post("/admin/quizzes/questions/import/", {"file": upload})
    body = response.content.decode()
    assert "第 3 行" in body and "第 4 行" in body and "2 处错误" in body
    assert Question.objects.count() == 0


def test_admin_upload_imports_a_good_file(client):
    client.force_login(trainer())
    data = "题型,题干,选项A,选项B,正确答案\n单选,好题,甲,乙,A\n"
    upload = SimpleUploadedFile("q.csv", data.encode("utf-8"), content_type="text/csv")
    response = client.post("/admin/quizzes/questions/import/", {"file": upload})
    assert "新建 1 道题" in response.content.decode()
    assert Question.objects.count() == 1
