"""Reading a people file (CSV or XLSX) into rows with their line numbers.

Only parsing lives here; what a row means, and whether it is valid, is decided by
`cms.services.people.people_import`.
"""

from __future__ import annotations

import csv
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
_HEADER_TO_FIELD = {
    alias.replace(" ", "").lower(): field
    for field, aliases in COLUMN_ALIASES.items()
    for alias in aliases
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, unknown column)."""


@dataclass(frozen=True)
class ImportRow:
    line: int  # 1-based line (CSV) or row (XLSX) number, the header being line 1
    values: dict[str, str]


def read_people_file(path: str | Path) -> list[ImportRow]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _rows_from_table(_csv_table(path.read_bytes()))
    if suffix == ".xlsx":
        return _rows_from_table(_xlsx_table(path))
    raise ImportFileError(_("只支持 .csv 和 .xlsx 文件,收到的是“%s”。") % path.name)


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
        raise ImportFileError(_("无法读取 XLSX 文件:%s") % exc) from None
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


def _rows_from_table(table) -> list[ImportRow]:
    fields: list[str | None] | None = None
    rows: list[ImportRow] = []
    for line, record in table:
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if fields is None:
            fields = _header_fields(cells)
            continue
        values = {
            field: cells[index] if index < len(cells) else ""
            for index, field in enumerate(fields)
            if field
        }
        rows.append(ImportRow(line=line, values=values))
    if fields is None:
        raise ImportFileError(_("文件是空的:没有表头。"))
    return rows


def _header_fields(cells: list[str]) -> list[str | None]:
    fields: list[str | None] = []
    unknown = []
    for cell in cells:
        key = cell.replace(" ", "").lower()
        if not key:
            fields.append(None)
        elif key in _HEADER_TO_FIELD:
            fields.append(_HEADER_TO_FIELD[key])
        else:
            unknown.append(cell)
            fields.append(None)
    if unknown:
        raise ImportFileError(_("表头中有无法识别的列:%s") % "、".join(unknown))
    missing = [
        COLUMN_ALIASES[f][0] for f in ("name", "phone", "position") if f not in fields
    ]
    if "org_code" not in fields and "street" not in fields:
        missing.append(_("街道(或组织编码)"))
    if missing:
        raise ImportFileError(_("表头缺少必需的列:%s") % "、".join(missing))
    return fields
