import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from quizzes.importing import template_rows
from quizzes.models import Question
from tests.quizzes.factories import competency

pytestmark = pytest.mark.django_db

HEADER = ["题型", "题干", "案例", "选项A", "选项B", "选项C", "正确答案", "解析",
          "能力标签", "难度", "反馈A"]  # fmt: skip


def _csv(tmp_path: Path, rows, name="questions.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


@pytest.fixture
def skills():
    return competency("议事协商"), competency("法治思维")


def test_a_good_file_imports_every_question_with_options_and_tags(tmp_path, skills):
    path = _csv(tmp_path, [
        ["单选", "第一轮做什么？", "", "听意见", "投票", "", "A", "先听再议", "议事协商", "2", "对"],  # noqa: E501
        ["多选", "哪些做法公开透明？", "", "公示账目", "口头通知", "张贴会议纪要", "A、C", "", "议事协商,法治思维", "", ""],  # noqa: E501
        ["判断", "业委会可以代替业主大会表决。", "", "", "", "", "错", "", "法治思维", "难", ""],  # noqa: E501
        ["情境", "你会先做什么？", "电梯停运三天。", "找法治专员", "等物业", "", "A", "", "", "", ""],  # noqa: E501
    ])  # fmt: skip
    call_command("import_questions", str(path))
    assert Question.objects.count() == 4
    multiple = Question.objects.get(type=Question.Type.MULTIPLE)
    assert [o.is_correct for o in multiple.options.order_by("sort_order")] == [
        True, False, True,
    ]  # fmt: skip
    assert set(multiple.competencies.values_list("name", flat=True)) == {
        "议事协商",
        "法治思维",
    }
    true_false = Question.objects.get(type=Question.Type.TRUE_FALSE)
    assert list(true_false.options.values_list("text", "is_correct")) == [
        ("正确", False), ("错误", True),
    ]  # fmt: skip
    assert true_false.difficulty == 4
    assert Question.objects.get(type=Question.Type.SINGLE).latest_revision is not None


def test_a_malformed_file_reports_every_bad_row_and_imports_nothing(tmp_path, skills):
    path = _csv(tmp_path, [
        ["单选", "好的一行", "", "甲", "乙", "", "A", "", "", "", ""],
        ["填空", "题型不对", "", "甲", "乙", "", "A", "", "", "", ""],
        ["单选", "", "", "甲", "乙", "", "A", "", "", "", ""],
        ["单选", "答案越界", "", "甲", "乙", "", "D", "", "", "", ""],
        ["多选", "只有一个正确答案", "", "甲", "乙", "丙", "B", "", "", "", ""],
        ["单选", "选项有空档", "", "甲", "", "丙", "A", "", "", "", ""],
        ["情境", "缺案例", "", "甲", "乙", "", "A", "", "", "", ""],
        ["单选", "标签不存在", "", "甲", "乙", "", "A", "", "社区营造", "", ""],
        ["单选", "难度不对", "", "甲", "乙", "", "A", "", "", "9", ""],
        ["单选", "好的一行", "", "甲", "乙", "", "A", "", "", "", ""],
    ])  # fmt: skip
    with pytest.raises(CommandError, match="9 处错误"):
        call_command("import_questions", str(path))
    assert Question.objects.count() == 0


def test_the_report_names_each_bad_line(tmp_path, skills, capsys):
    path = _csv(tmp_path, [
        ["单选", "好的一行", "", "甲", "乙", "", "A", "", "", "", ""],
        ["填空", "题型不对", "", "甲", "乙", "", "A", "", "", "", ""],
        ["单选", "答案越界", "", "甲", "乙", "", "D", "", "", "", ""],
    ])  # fmt: skip
    with pytest.raises(CommandError):
        call_command("import_questions", str(path))
    errors = capsys.readouterr().err
    assert "第 3 行" in errors and "题型“填空”无法识别" in errors
    assert "第 4 行" in errors and "正确答案“D”" in errors
    assert "第 2 行" not in errors


def test_dry_run_writes_nothing_and_reimport_skips_existing(tmp_path, skills):
    path = _csv(tmp_path, [["单选", "只一道", "", "甲", "乙", "", "B", "", "", "", ""]])
    call_command("import_questions", str(path), "--dry-run")
    assert Question.objects.count() == 0
    call_command("import_questions", str(path))
    call_command("import_questions", str(path))
    assert Question.objects.count() == 1


def test_the_documented_template_imports_as_xlsx(tmp_path):
    competency("议事协商"), competency("资源动员")
    workbook = Workbook()
    for row in template_rows():
        workbook.active.append(row)
    path = tmp_path / "template.xlsx"
    workbook.save(path)
    call_command("import_questions", str(path))
    assert Question.objects.count() == 2
