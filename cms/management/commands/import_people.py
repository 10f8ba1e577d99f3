import sys

from django.utils.translation import gettext as _
from tqdm import tqdm

from cms.importing import read_people_file
from cms.management.table_import import TableImportCommand
from cms.services.people import people_import


class Command(TableImportCommand):
    help = (
        "Import social workers from a CSV (UTF-8) or XLSX file. Columns: 姓名, 手机号, "
        "街道, 居民区 (or 组织编码), 岗位, optional 工号 and 初始密码. Every row is "
        "checked first; if any row is bad, nothing is imported."
    )

    def handle(self, *args, file, dry_run, **options):
        rows = self.read_rows(read_people_file, file)
        with tqdm(total=len(rows), unit="row", file=sys.stderr, disable=None) as bar:
            report = people_import(rows=rows, dry_run=dry_run, on_row=bar.update)
        self.finish(
            report, dry_run=dry_run, refused=_("%(count)d 处错误，未导入任何人员。")
        )
