"""What the table import commands share: a file argument, --dry-run, the report."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms.importing import ImportFileError


class TableImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change, without saving",
        )

    def read_rows(self, read, file):
        try:
            return read(file)
        except (ImportFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc

    def finish(self, report, *, dry_run: bool, refused: str) -> None:
        """Print every bad row and fail, or print the summary."""
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(refused % {"count": len(report.errors)})
        prefix = _("（试运行，未保存）") if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
