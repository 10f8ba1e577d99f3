from django.utils.translation import gettext as _

from cms.importing import read_org_units_file
from cms.management.table_import import TableImportCommand
from cms.services.org_units import org_units_import


class Command(TableImportCommand):
    help = (
        "Import the org tree from a CSV (UTF-8) or XLSX file with the columns 名称, "
        "层级 (区/街道/居民区), 组织编码 and 上级编码. Every row is checked first; "
        "if any row is bad, nothing is imported. Run it before import_people."
    )

    def handle(self, *args, file, dry_run, **options):
        rows = self.read_rows(read_org_units_file, file)
        report = org_units_import(rows=rows, dry_run=dry_run)
        self.finish(
            report,
            dry_run=dry_run,
            refused=_("%(count)d 处错误，未导入任何组织单元。"),
        )
