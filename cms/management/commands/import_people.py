import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from cms.importing import ImportFileError, read_people_file
from cms.services.people import people_import


class Command(BaseCommand):
    help = (
        "Import social workers from a CSV (UTF-8) or XLSX file. Columns: 姓名, 手机号, "
        "街道, 居民区 (or 组织编码), 岗位, optional 工号 and 初始密码. Every row is "
        "checked first; if any row is bad, nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change, without saving",
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            rows = read_people_file(file)
        except (ImportFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc

        with tqdm(total=len(rows), unit="row", file=sys.stderr, disable=None) as bar:
            report = people_import(rows=rows, dry_run=dry_run, on_row=bar.update)

        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)d 处错误，未导入任何人员。") % {"count": len(report.errors)}
            )
        prefix = _("（试运行，未保存）") if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
