"""Question import from a trainer's spreadsheet (CSV UTF-8 or XLSX), all or nothing.

Template (first row is the header; columns in any order, headers in Chinese or
English):

  题型      单选 / 多选 / 判断 / 情境 (single, multiple, true_false, scenario)
  题干      the question
  案例      the case text (required for 情境题, ignored otherwise)
  选项A…选项F  option texts, filled from A without gaps (判断题 may leave them
            empty: 正确 / 错误)
  正确答案   letters, e.g. A or ACD (多选 at least two); 判断题 also 对/错
  反馈A…反馈F  optional feedback shown after grading for that option
  解析      optional explanation
  能力标签   existing competency names separated by 、 or , (optional)
  难度      1–5 or 很容易/容易/中等/难/很难 (default 3 中等)
  分类      optional question category (created if new)

Every row is checked first; one bad row means nothing is written, and every
bad row is reported with its line number. A row whose 题干 already exists in the
bank is skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from cms.importing import ImportRow, TableSpec, read_table_file
from quizzes.models import Competency, Question, QuestionCategory, QuestionOption

LETTERS = "ABCDEF"

QUESTION_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "type": ("题型", "type"),
    "stem": ("题干", "stem", "question"),
    "scenario": ("案例", "情境", "scenario", "case"),
    **{f"option_{x}": (f"选项{x}", f"option{x}", f"option_{x}") for x in LETTERS},
    "answer": ("正确答案", "答案", "answer", "correct"),
    **{f"feedback_{x}": (f"反馈{x}", f"feedback{x}", f"feedback_{x}") for x in LETTERS},
    "explanation": ("解析", "explanation"),
    "competencies": ("能力标签", "能力", "competencies", "tags"),
    "difficulty": ("难度", "difficulty"),
    "category": ("分类", "题库分类", "category"),
}
QUESTION_TABLE = TableSpec(
    aliases=QUESTION_COLUMN_ALIASES,
    required=(("type",), ("stem",), ("answer",)),
)
TEMPLATE_HEADER = (
    ["题型", "题干", "案例"]
    + [f"选项{x}" for x in LETTERS]
    + [
        "正确答案",
        "解析",
        "能力标签",
        "难度",
        "分类",
    ]
    + [f"反馈{x}" for x in LETTERS]
)
TEMPLATE_EXAMPLES = [
    ["单选", "三轮议事规则的第一轮主要做什么？", "", "听取各方意见", "直接投票表决",
     "请物业拍板", "", "", "", "A", "第一轮先摸清各方诉求，再进入协商。",
     "议事协商", "2", "", "对，先听再议。", "太早表决会激化矛盾。", "", "", "", ""],
    ["判断", "楼组众筹的账目应当公开。", "", "", "", "", "", "", "", "对",
     "公开账目是居民信任的基础。", "资源动员", "1", "", "", "", "", "", "", ""],
]  # fmt: skip

TYPE_WORDS = {
    "单选": Question.Type.SINGLE, "单选题": Question.Type.SINGLE,
    "single": Question.Type.SINGLE,
    "多选": Question.Type.MULTIPLE, "多选题": Question.Type.MULTIPLE,
    "multiple": Question.Type.MULTIPLE,
    "判断": Question.Type.TRUE_FALSE, "判断题": Question.Type.TRUE_FALSE,
    "true_false": Question.Type.TRUE_FALSE,
    "情境": Question.Type.SCENARIO, "情境题": Question.Type.SCENARIO,
    "scenario": Question.Type.SCENARIO,
}  # fmt: skip
TRUE_WORDS = {"对", "正确", "是", "√", "t", "true", "a"}
FALSE_WORDS = {"错", "错误", "否", "×", "x", "f", "false", "b"}
DIFFICULTY_WORDS = {"很容易": 1, "容易": 2, "中等": 3, "难": 4, "很难": 5}
SEPARATORS = re.compile(r"[、,，;；\s]+")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("第 %(line)d 行：%(message)s") % {
            "line": self.line,
            "message": self.message,
        }


@dataclass
class QuestionImportReport:
    created: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("新建 %(created)d 道题，跳过已有的 %(skipped)d 道") % {
            "created": self.created,
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class _QuestionData:
    line: int
    type: str
    stem: str
    scenario: str
    options: list[tuple[str, bool, str]]
    explanation: str
    competencies: list[Competency]
    difficulty: int
    category: str


def read_questions_file(path) -> list[ImportRow]:
    return read_table_file(path, QUESTION_TABLE)


def _parse_row(row: ImportRow, competencies: dict[str, Competency]):
    values = row.values
    errors: list[str] = []
    kind = TYPE_WORDS.get(values.get("type", "").strip().lower())
    if kind is None:
        errors.append(
            _("题型“%s”无法识别（应为 单选、多选、判断 或 情境）")
            % values.get("type", "")
        )
    stem = values.get("stem", "").strip()
    if not stem:
        errors.append(_("题干为空"))
    scenario = values.get("scenario", "").strip()
    if kind == Question.Type.SCENARIO and not scenario:
        errors.append(_("情境题需要填写案例"))

    texts = [values.get(f"option_{x}", "").strip() for x in LETTERS]
    last_filled = max((i for i, text in enumerate(texts) if text), default=-1)
    if kind == Question.Type.TRUE_FALSE and last_filled < 0:
        texts = [_("正确"), _("错误")] + [""] * 4
        last_filled = 1
    gaps = [LETTERS[i] for i in range(last_filled + 1) if not texts[i]]
    if gaps:
        errors.append(_("选项%s为空，选项须从 A 起连续填写") % "、".join(gaps))
    count = last_filled + 1
    if count < 2:
        errors.append(_("至少需要两个选项"))
    if kind == Question.Type.TRUE_FALSE and count != 2:
        errors.append(_("判断题只能有两个选项"))

    raw_answer = values.get("answer", "").strip()
    correct: set[int] = set()
    if kind == Question.Type.TRUE_FALSE and raw_answer.lower() in TRUE_WORDS:
        correct = {0}
    elif kind == Question.Type.TRUE_FALSE and raw_answer.lower() in FALSE_WORDS:
        correct = {1}
    else:
        letters = [c for c in raw_answer.upper() if not SEPARATORS.match(c)]
        bad = [c for c in letters if c not in LETTERS[:count]]
        if not letters:
            errors.append(_("正确答案为空"))
        elif bad:
            errors.append(
                _("正确答案“%(answer)s”不是已填写的选项（A–%(last)s）")
                % {"answer": raw_answer, "last": LETTERS[max(count, 1) - 1]}
            )
        else:
            correct = {LETTERS.index(c) for c in letters}
    if correct and kind in (Question.Type.SINGLE, Question.Type.SCENARIO):
        if len(correct) != 1:
            errors.append(_("单选题和情境题只能有一个正确答案"))
    if correct and kind == Question.Type.MULTIPLE and len(correct) < 2:
        errors.append(_("多选题至少要有两个正确答案"))

    tags = []
    for name in filter(None, SEPARATORS.split(values.get("competencies", ""))):
        if name in competencies:
            tags.append(competencies[name])
        else:
            errors.append(
                _("能力标签“%(name)s”不存在（现有：%(known)s）")
                % {"name": name, "known": "、".join(competencies) or "—"}
            )

    raw_difficulty = values.get("difficulty", "").strip()
    difficulty = 3
    if raw_difficulty:
        if raw_difficulty in DIFFICULTY_WORDS:
            difficulty = DIFFICULTY_WORDS[raw_difficulty]
        elif raw_difficulty.isdigit() and 1 <= int(raw_difficulty) <= 5:
            difficulty = int(raw_difficulty)
        else:
            errors.append(
                _("难度“%s”应为 1–5 或 很容易/容易/中等/难/很难") % raw_difficulty
            )

    if errors:
        return None, errors
    options = [
        (texts[i], i in correct, values.get(f"feedback_{LETTERS[i]}", "").strip())
        for i in range(count)
    ]
    return (
        _QuestionData(
            line=row.line,
            type=kind,
            stem=stem,
            scenario=scenario if kind == Question.Type.SCENARIO else "",
            options=options,
            explanation=values.get("explanation", "").strip(),
            competencies=tags,
            difficulty=difficulty,
            category=values.get("category", "").strip(),
        ),
        [],
    )


def questions_import(
    *,
    rows: Iterable[ImportRow],
    dry_run: bool = False,
    user=None,
    on_row: Callable[[int], object] | None = None,
) -> QuestionImportReport:
    """Check every row; if all are good (and not a dry run), create the questions."""
    report = QuestionImportReport(dry_run=dry_run)
    competencies = {c.name: c for c in Competency.objects.all()}
    existing = set(Question.objects.values_list("stem", flat=True))
    seen: dict[str, int] = {}
    parsed: list[_QuestionData] = []
    for row in rows:
        data, errors = _parse_row(row, competencies)
        stem = row.values.get("stem", "").strip()
        if stem and stem in seen:
            errors.append(_("题干与第 %d 行重复") % seen[stem])
        elif stem:
            seen[stem] = row.line
        report.errors.extend(RowError(row.line, message) for message in errors)
        if data is not None and not errors:
            parsed.append(data)
        if on_row:
            on_row(1)
    if report.errors:
        return report
    new = [data for data in parsed if data.stem not in existing]
    report.skipped = len(parsed) - len(new)
    report.created = len(new)
    if dry_run:
        return report
    with transaction.atomic():
        for data in new:
            category = None
            if data.category:
                category = QuestionCategory.objects.get_or_create(name=data.category)[0]
            question = Question(
                type=data.type,
                stem=data.stem,
                scenario=data.scenario,
                explanation=data.explanation,
                difficulty=data.difficulty,
                category=category,
            )
            question.options = [
                QuestionOption(
                    text=text, is_correct=ok, feedback=feedback, sort_order=i
                )
                for i, (text, ok, feedback) in enumerate(data.options)
            ]
            question.competencies.set(data.competencies)
            question.save()
            question.save_revision(user=user, log_action=True)
    return report


def template_rows() -> list[list[str]]:
    return [TEMPLATE_HEADER, *TEMPLATE_EXAMPLES]
