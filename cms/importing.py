"""Reading an import file (CSV or XLSX) into rows with their line numbers, and the
report (counts and bad rows) that every import returns.

Only parsing lives here; what a row means, and whether it is valid, is decided by
the services (`cms.services.people.people_import`,
`cms.services.org_units.org_units_import`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

# Canonical field -> accepted headers (compared case-insensitively, spaces removed).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "phone": ("手机号", "手机", "手机号码", "phone", "mobile"),
    "street": ("街道", "街道/镇", "镇", "street"),
    "neighbourhood": (
        "居民区",
        "社区",
        "居民区/社区",
        "neighbourhood",
        "neighborhood",
    ),
    "org_code": ("组织编码", "org_code", "code"),
    "position": ("岗位", "职务", "position"),
    "employee_no": ("工号", "employee_no"),
    "password": ("初始密码", "password", "initial_password"),
}
ORG_UNIT_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("名称", "name"),
    "level": ("层级", "level"),
    "code": ("组织编码", "code", "org_code"),
    "parent_code": ("上级编码", "parent_code", "parent"),
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, unknown column)."""


@dataclass(frozen=True)
class TableSpec:
    """The columns a file may have: canonical field -> accepted headers."""

    aliases: dict[str, tuple[str, ...]]
    # Each entry is a group of fields of which at least one must be present.
    required: tuple[tuple[str, ...], ...]

    def field_for(self, header: str) -> str | None:
        key = header.replace(" ", "").lower()
        for field, aliases in self.aliases.items():
            if key in {alias.replace(" ", "").lower() for alias in aliases}:
                return field
        return None


PEOPLE_TABLE = TableSpec(
    aliases=COLUMN_ALIASES,
    required=(("name",), ("phone",), ("position",), ("org_code", "street")),
)
ORG_UNIT_TABLE = TableSpec(
    aliases=ORG_UNIT_COLUMN_ALIASES,
    required=(("name",), ("level",), ("code",), ("parent_code",)),
)


@dataclass(frozen=True)
class ImportRow:
    line: int  # 1-based line (CSV) or row (XLSX) number, the header being line 1
    values: dict[str, str]


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
class ImportReport:
    """What an import did (or, on a dry run, would do); each import says it in its
    own words (``summary``)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        raise NotImplementedError


def read_people_file(path: str | Path) -> list[ImportRow]:
    return read_table_file(path, PEOPLE_TABLE)


def read_org_units_file(path: str | Path) -> list[ImportRow]:
    return read_table_file(path, ORG_UNIT_TABLE)


def read_table_file(path: str | Path, spec: TableSpec) -> list[ImportRow]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _rows_from_table(_csv_table(path.read_bytes()), spec)
    if suffix == ".xlsx":
        return _rows_from_table(_xlsx_table(path), spec)
    raise ImportFileError(_("只支持 .csv 和 .xlsx 文件，收到的是“%s”。") % path.name)


def _csv_table(data: bytes):
    try:
        # utf-8-sig drops the BOM that Excel writes in front of UTF-8 CSV files.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("CSV 文件不是 UTF-8 编码。请在 Excel 中另存为“CSV UTF-8”。")
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    for record in reader:
        yield reader.line_num, record


def _xlsx_table(path: Path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportFileError(_("无法读取 XLSX 文件：%s") % exc) from None
    try:
        sheet = workbook.worksheets[0]
        for number, record in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(value) for value in record]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    # A phone number typed into Excel becomes a number; 13912345678.0 must not
    # turn into "13912345678.0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_from_table(table, spec: TableSpec) -> list[ImportRow]:
    fields: list[str | None] | None = None
    rows: list[ImportRow] = []
    for line, record in table:
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if fields is None:
            fields = _header_fields(cells, spec)
            continue
        values = {
            field: cells[index] if index < len(cells) else ""
            for index, field in enumerate(fields)
            if field
        }
        rows.append(ImportRow(line=line, values=values))
    if fields is None:
        raise ImportFileError(_("文件是空的：没有表头。"))
    return rows


def _header_fields(cells: list[str], spec: TableSpec) -> list[str | None]:
    fields: list[str | None] = []
    unknown = []
    for cell in cells:
        field = spec.field_for(cell) if cell else None
        if cell and field is None:
            unknown.append(cell)
        fields.append(field)
    if unknown:
        raise ImportFileError(_("表头中有无法识别的列：%s") % "、".join(unknown))
    missing = [
        _("或").join(spec.aliases[field][0] for field in group)
        for group in spec.required
        if not any(field in fields for field in group)
    ]
    if missing:
        raise ImportFileError(_("表头缺少必需的列：%s") % "、".join(missing))
    return fields
