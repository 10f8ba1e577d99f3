from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms.importing import ImportFileError, read_org_units_file
from cms.services.org_units import org_units_import


class Command(BaseCommand):
    help = (
        "Import the org tree from a CSV (UTF-8) or XLSX file with the columns 名称, "
        "层级 (区/街道/居民区), 组织编码 and 上级编码. Every row is checked first; "
        "if any row is bad, nothing is imported. Run it before import_people."
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
            rows = read_org_units_file(file)
        except (ImportFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        report = org_units_import(rows=rows, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)d 处错误，未导入任何组织单元。")
                % {"count": len(report.errors)}
            )
        prefix = _("（试运行，未保存）") if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
