"""Tables shown on the learning-data pages, each exportable as CSV and XLSX.

A Table is a list of dict rows and its columns; the page renders it as HTML and
Wagtail's SpreadsheetExportMixin writes it as a spreadsheet (see views.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Col:
    key: str
    heading: str
    # "int", "percent" (0..100), "ratio" (0..1 shown as %), "hours", "score",
    # "minutes", "datetime", "date", "text"
    kind: str = "int"
    sortable: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Col]
    rows: list[dict]
    chart: SafeString | None = None
    link: Callable[[dict], str | None] | None = None  # url for the first column
    link_key: str | None = None
    sort: str = ""  # current sort column, "-key" for descending
    note: str = ""
    extra: dict = field(default_factory=dict)

    def export_value(self, row: dict, col: Col):
        value = row.get(col.key)
        if value is None:
            return ""
        if col.kind == "ratio":
            return round(100 * value, 1)
        if col.kind in ("hours", "score", "percent", "minutes"):
            return round(value, 1)
        if col.kind == "datetime" and isinstance(value, dt.datetime):
            return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
        return value

    @cached_property
    def _local_zone(self):
        return timezone.get_current_timezone()

    def display(self, row: dict, col: Col) -> str:
        value = row.get(col.key)
        if value is None or value == "":
            return "–"
        if col.kind == "ratio":
            return f"{100 * value:.1f}%"
        if col.kind == "percent":
            return f"{value:.1f}%"
        if col.kind in ("hours", "score", "minutes"):
            return f"{value:.1f}"
        if col.kind == "datetime" and isinstance(value, dt.datetime):
            # strftime, not formats.date_format: the same digits for "Y-m-d H:i",
            # without a format lookup per cell (hundreds on a district page); the
            # zone looked up once per table, not per cell.
            return value.astimezone(self._local_zone).strftime("%Y-%m-%d %H:%M")
        if col.kind == "date" and isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


def sort_rows(
    rows: list[dict], columns: list[Col], sort: str
) -> tuple[list[dict], str]:
    """Sort by a sortable column (None last either way); unknown keys leave order."""
    key = sort.lstrip("-")
    if key not in {c.key for c in columns if c.sortable}:
        return rows, ""
    reverse = sort.startswith("-")
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]
    present.sort(key=lambda r: r[key], reverse=reverse)
    return present + missing, sort


def _escaped(value) -> str:
    # django.utils.html.conditional_escape without a SafeString per cell.
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def body_html(rows: list[dict]) -> SafeString:
    """The <tr> rows of a table body: the first cell a row heading (a link when
    the row has a url), each cell escaped.

    Built here rather than by template loops: a district page has some 2,500
    cells, and a template node per cell costs more than the page's queries.
    """
    out = []
    for row in rows:
        first, *rest = row["cells"] or [""]
        head = _escaped(first)
        if row["url"]:
            head = f'<a href="{_escaped(row["url"])}">{head}</a>'
        cells = "".join(f"<td>{_escaped(cell)}</td>" for cell in rest)
        out.append(f'<tr><th scope="row">{head}</th>{cells}</tr>')
    return mark_safe("".join(out))
