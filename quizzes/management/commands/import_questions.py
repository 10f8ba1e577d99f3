import sys

from django.utils.translation import gettext as _
from tqdm import tqdm

from cms.management.table_import import TableImportCommand
from quizzes.importing import questions_import, read_questions_file


class Command(TableImportCommand):
    help = (
        "Import questions from a CSV (UTF-8) or XLSX file. Columns: 题型, 题干, "
        "选项A–F, 正确答案, optional 案例, 反馈A–F, 解析, 能力标签, 难度, 分类 "
        "(see quizzes/importing.py). Every row is checked first; if any row is "
        "bad, nothing is imported."
    )

    def handle(self, *args, file, dry_run, **options):
        rows = self.read_rows(read_questions_file, file)
        with tqdm(total=len(rows), unit="row", file=sys.stderr, disable=None) as bar:
            report = questions_import(rows=rows, dry_run=dry_run, on_row=bar.update)
        self.finish(
            report, dry_run=dry_run, refused=_("%(count)d 处错误，未导入任何题目。")
        )
